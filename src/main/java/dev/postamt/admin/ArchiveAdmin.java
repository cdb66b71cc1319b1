package dev.postamt.admin;

import dev.postamt.archive.ArchiveQuery;
import dev.postamt.archive.ArchiveVerifier;
import dev.postamt.archive.ArchivedMessage;
import dev.postamt.archive.AuditLog;
import dev.postamt.archive.JournalArchive;
import dev.postamt.archive.JournalWriter;
import dev.postamt.archive.LegalHold;
import dev.postamt.archive.RetentionSweep;
import dev.postamt.config.Config;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * {@code postamt archive …}: the compliance journal for administrators (the web console calls the same
 * methods). Every search and export, every change of a legal hold and every manual sweep is written to
 * the archive's audit log, with {@code actor} (the CLI passes the operating-system user), before the
 * result is returned; an operation whose audit entry cannot be written does not happen.
 */
public final class ArchiveAdmin {
  private final Config config;
  private final Clock clock;

  ArchiveAdmin(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  private Path dir() {
    return config.archive().dir();
  }

  /** The messages {@code q} matches, oldest first. */
  public List<ArchivedMessage> search(ArchiveQuery q, String actor) {
    try (JournalArchive a = JournalArchive.open(dir())) {
      List<ArchivedMessage> found = a.search(q);
      audit(actor, "search " + q.describe() + " results=" + found.size());
      return found;
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /**
   * Writes what {@code q} matches to {@code mbox} (mboxrd), replacing it; returns how many. Written
   * beside it first and renamed into place, so a failed export leaves no half file.
   */
  public int export(ArchiveQuery q, Path mbox, String actor) {
    Path tmp = mbox.resolveSibling(mbox.getFileName() + ".part");
    try (JournalArchive a = JournalArchive.open(dir())) {
      audit(actor, "export " + q.describe() + " to " + mbox.toAbsolutePath());
      int n;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
        n = a.export(q, out);
      }
      Files.move(tmp, mbox, StandardCopyOption.REPLACE_EXISTING);
      audit(actor, "exported " + n + " message(s) to " + mbox.toAbsolutePath());
      return n;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // reporting the first error
      }
      throw AdminException.of(e);
    }
  }

  /** Checks the whole chain (see {@link ArchiveVerifier}). */
  public ArchiveVerifier.Report verify(String actor) {
    try {
      if (!Files.isDirectory(dir())) {
        throw new AdminException("no compliance journal in " + dir() + " (set [archive] journal = true and start the server)");
      }
      ArchiveVerifier.Report r = ArchiveVerifier.verify(dir());
      audit(actor, "verify " + (r.intact() ? "intact" : r.problems().size() + " problem(s)") + " records=" + r.records()
          + " head=" + r.headSeq() + ":" + r.headHash());
      return r;
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** Adds a legal hold on an address or domain; returns the confirmation line. */
  public String addHold(String target, String reason, String actor) {
    String t = target(target);
    try (JournalArchive a = JournalArchive.openForHolds(dir())) {
      if (!a.addHold(new LegalHold(t, clock.instant(), actor, reason == null ? "" : reason))) {
        throw new AdminException("a legal hold on " + t + " stands already");
      }
      audit(actor, "hold add " + t + (reason == null || reason.isBlank() ? "" : " reason=\"" + reason + "\""));
      return "Legal hold on " + t + ": its messages are kept until the hold is removed";
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  public String removeHold(String target, String actor) {
    String t = target(target);
    try (JournalArchive a = JournalArchive.openForHolds(dir())) {
      if (!a.removeHold(t)) {
        throw new AdminException("no legal hold on " + t);
      }
      audit(actor, "hold remove " + t);
      return "Legal hold on " + t + " removed: its messages are deleted once past their retention";
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  public List<LegalHold> holds() {
    if (!Files.exists(dir().resolve("index.db"))) {
      return List.of();
    }
    try (JournalArchive a = JournalArchive.openForHolds(dir())) {
      return a.holds();
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** Runs the retention sweep now; refused while the server runs (it sweeps daily). */
  public RetentionSweep.Result sweep(String actor) {
    try (JournalWriter w = JournalWriter.open(config.archive(), clock)) {
      RetentionSweep.Result r = RetentionSweep.run(w, config.archive(), clock.instant());
      audit(actor, "sweep deleted " + r.deleted().size() + " message(s) in " + r.segments().size() + " segment(s)"
          + (r.segments().isEmpty() ? "" : " " + String.join(",", r.segments())) + "; kept for legal hold " + r.keptForHold());
      return r;
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** The audit log, and the first line whose chain is broken (0: none). */
  public AuditLog.Contents audit() {
    try {
      return new AuditLog(dir()).read();
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  private void audit(String actor, String text) throws IOException {
    new AuditLog(dir()).append(Instant.now(clock), actor, text);
  }

  private static String target(String s) {
    try {
      return LegalHold.target(s);
    } catch (IllegalArgumentException e) {
      throw new AdminException(e.getMessage());
    }
  }
}
