package dev.postamt.backup;

import dev.postamt.config.Config;
import dev.postamt.config.DataDirLock;
import dev.postamt.store.StoreBackup;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code postamt restore PATH [--account ADDRESS]}: puts a snapshot back into an installation whose
 * server is stopped. Every hash is checked before anything is written; what is replaced is moved
 * aside, never deleted. The store reconciles the restored indexes with the restored files when it
 * next opens them.
 */
public final class Restore {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** What a restore did; {@code notes} are lines for the administrator. */
  public record Report(Path snapshot, String scope, int files, Optional<Path> movedAside, List<String> notes) {}

  private Restore() {}

  public static Report run(Config config, Path path, Optional<String> account) throws IOException {
    Path dataDir = config.dataDir();
    OptionalLong pid = DataDirLock.runningServer(dataDir);
    if (pid.isPresent()) {
      throw new IOException("the server is running on " + dataDir + " (process " + pid.getAsLong()
          + "); stop it before restoring");
    }
    Path snap = Snapshots.resolve(path);
    Manifest m = Manifest.read(snap).orElseThrow();
    Optional<String> bad = m.firstBad(snap);
    if (bad.isPresent()) {
      throw new IOException("backup " + snap + " is damaged, nothing restored: " + bad.get());
    }
    String stamp = STAMP.format(Instant.now());
    List<String> notes = new ArrayList<>();
    if (account.isPresent()) {
      String rel = StoreBackup.relativeHome(account.get()).toString().replace(java.io.File.separatorChar, '/');
      Path from = snap.resolve("data").resolve(rel);
      if (!Files.isDirectory(from)) {
        throw new IOException("backup " + snap + " holds no mail of " + account.get().toLowerCase(Locale.ROOT));
      }
      Path home = dev.postamt.store.UserHome.of(config, account.get());
      Optional<Path> aside = Optional.empty();
      if (Files.exists(home)) {
        // beside the home's own mail directory, so that the move stays on one filesystem
        Path saved = (separateMailDir(config) ? config.mailDir().resolve(".restore-saved") : dataDir.resolve("restore-saved"))
            .resolve(stamp).resolve(rel);
        Files.createDirectories(saved.getParent());
        Files.move(home, saved, StandardCopyOption.ATOMIC_MOVE);
        aside = Optional.of(saved);
      }
      int files = copyTree(from, home);
      return new Report(snap, "account " + account.get().toLowerCase(Locale.ROOT), files, aside, notes);
    }
    Optional<Path> aside = Optional.empty();
    if (hasData(dataDir)) {
      Path saved = dataDir.resolveSibling(dataDir.getFileName() + ".before-restore-" + stamp);
      Files.move(dataDir, saved, StandardCopyOption.ATOMIC_MOVE);
      aside = Optional.of(saved);
    }
    int files;
    if (separateMailDir(config)) {
      // [store] mail_dir elsewhere: the homes (data/mail in the backup) go there, the rest to data_dir
      Path mailDir = config.mailDir();
      if (hasData(mailDir)) {
        Path saved = mailDir.resolveSibling(mailDir.getFileName() + ".before-restore-" + stamp);
        Files.move(mailDir, saved, StandardCopyOption.ATOMIC_MOVE);
        notes.add("the mail directory was moved aside to " + saved);
      }
      files = copyTree(snap.resolve("data").resolve("mail"), mailDir);
      files += copyTree(snap.resolve("data"), dataDir, Path.of("mail"));
    } else {
      files = copyTree(snap.resolve("data"), dataDir);
    }
    Path configDir = snap.resolve("config");
    if (Files.isDirectory(configDir) && config.source() != null) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(configDir)) {
        for (Path c : ds) {
          Path target = config.source();
          if (Files.exists(target) && Files.mismatch(target, c) != -1) {
            target = target.resolveSibling(target.getFileName() + ".restored");
            notes.add("the backed-up config differs from " + config.source() + "; it is in " + target);
          }
          if (!Files.exists(target)) {
            Files.copy(c, target);
            files++;
          }
        }
      }
    }
    Path dump = snap.resolve(PgDump.FILE);
    var pg = config.database().postgres();
    if (Files.isRegularFile(dump) && pg.isPresent()) {
      PgDump.restore(pg.get(), dump);
      files++;
      notes.add("the PostgreSQL state was restored into " + pg.get().display());
    } else if (Files.isRegularFile(dump)) {
      notes.add("the backup holds PostgreSQL state (" + dump + ") but [database] url is not set here; set it and run"
          + " pg_restore --clean --if-exists --single-transaction --dbname=URL " + dump);
    } else if (pg.isPresent()) {
      notes.add("the backup holds no PostgreSQL state; " + pg.get().display() + " was left as it is");
    }
    if (Files.isDirectory(snap.resolve("external"))) {
      notes.add("TLS files from outside the data directory are in " + snap.resolve("external")
          + "; put them where [tls] names them");
    }
    return new Report(snap, "whole installation", files, aside, notes);
  }

  /** Whether the data directory holds anything but the run/ files of a stopped server. */
  private static boolean hasData(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return false;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dataDir)) {
      for (Path p : ds) {
        if (!p.getFileName().toString().equals("run")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code [store] mail_dir} puts the homes somewhere else than {@code data_dir/mail}. */
  private static boolean separateMailDir(Config config) {
    return !config.mailDir().toAbsolutePath().normalize().equals(config.dataDir().resolve("mail").toAbsolutePath().normalize());
  }

  private static int copyTree(Path from, Path to) throws IOException {
    return copyTree(from, to, null);
  }

  /**
   * Copies the snapshot's tree {@code from} to {@code to} (no links: the backup stays untouched), leaving
   * out the subtree {@code skip} (relative to {@code from}) when given.
   */
  private static int copyTree(Path from, Path to, Path skip) throws IOException {
    int n = 0;
    if (!Files.isDirectory(from)) {
      return 0; // a snapshot of an installation whose state is all in PostgreSQL
    }
    List<Path> all;
    try (var walk = Files.walk(from)) {
      all = walk.toList();
    }
    for (Path p : all) {
      if (skip != null && from.relativize(p).startsWith(skip)) {
        continue;
      }
      Path target = to.resolve(from.relativize(p).toString());
      if (Files.isDirectory(p)) {
        Files.createDirectories(target);
      } else {
        Files.createDirectories(target.getParent());
        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        Manifest.fsync(target);
        n++;
      }
    }
    return n;
  }
}
