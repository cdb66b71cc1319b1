package dev.postamt.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads reports into a {@link ReportStore}: from one message (the reports mailbox), or from a path for
 * {@code postamt reports import} — a report file ({@code .xml}, {@code .xml.gz}, {@code .zip}, {@code
 * .json}, {@code .json.gz}), a message file, an mbox, a Maildir or any directory tree of those. One bad
 * report is counted and named, and the others are still read.
 */
public final class ReportIntake {
  private static final Logger log = LoggerFactory.getLogger(ReportIntake.class);

  /** What one intake did: reports stored, duplicates skipped, and the problems, one line each. */
  public record Outcome(int dmarc, int tls, int duplicates, List<String> problems) {
    Outcome plus(Outcome o) {
      List<String> p = new ArrayList<>(problems);
      p.addAll(o.problems);
      return new Outcome(dmarc + o.dmarc, tls + o.tls, duplicates + o.duplicates, List.copyOf(p));
    }

    static final Outcome NONE = new Outcome(0, 0, 0, List.of());

    static Outcome problem(String p) {
      return new Outcome(0, 0, 0, List.of(p));
    }
  }

  private final ReportStore store;
  private final long maxBytes;

  public ReportIntake(ReportStore store, long maxBytes) {
    this.store = store;
    this.maxBytes = maxBytes;
  }

  /** The reports in one message; a message without any is no problem (people write to the mailbox too). */
  public Outcome message(String label, byte[] message) {
    try {
      return store(label, ReportFiles.fromMessage(message, maxBytes));
    } catch (ReportException e) {
      return Outcome.problem(label + ": " + e.getMessage());
    }
  }

  /** Every report under {@code path}. Throws only when the path cannot be read at all. */
  public Outcome path(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      Outcome o = Outcome.NONE;
      List<Path> files;
      try (Stream<Path> s = Files.walk(path)) {
        files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
      }
      for (Path f : files) {
        o = o.plus(file(f));
      }
      return o;
    }
    if (!Files.isRegularFile(path)) {
      throw new IOException(path + " is neither a file nor a directory");
    }
    return file(path);
  }

  private Outcome file(Path f) throws IOException {
    if (Files.size(f) > maxBytes) {
      return Outcome.problem(f + ": larger than [reports] max_uncompressed (" + maxBytes + " bytes); not read");
    }
    byte[] bytes = Files.readAllBytes(f);
    String name = f.getFileName().toString();
    if (bytes.length > 5 && new String(bytes, 0, 5, StandardCharsets.ISO_8859_1).equals("From ")) {
      Outcome o = Outcome.NONE;
      int n = 0;
      for (byte[] m : Mbox.split(bytes)) {
        o = o.plus(message(f + " message " + ++n, m));
      }
      return o;
    }
    if (ReportFiles.looksLikeMessage(bytes)) {
      return message(f.toString(), bytes);
    }
    try {
      return store(f.toString(), ReportFiles.fromFile(name, bytes, maxBytes));
    } catch (ReportException e) {
      return Outcome.problem(f + ": " + e.getMessage());
    }
  }

  private Outcome store(String label, List<ReportFiles.Payload> payloads) {
    Outcome o = Outcome.NONE;
    for (ReportFiles.Payload p : payloads) {
      try {
        boolean fresh;
        if (p.kind() == ReportFiles.Kind.DMARC) {
          DmarcReport r = DmarcReportParser.parse(p.data());
          fresh = store.addDmarc(r);
          o = o.plus(fresh ? new Outcome(1, 0, 0, List.of()) : new Outcome(0, 0, 1, List.of()));
          log.info("reports: DMARC report {} of {} for {} ({} messages){}", r.reportId(), r.org(), r.domain(),
              r.messages(), fresh ? "" : ": already stored");
        } else {
          TlsReport r = TlsReportParser.parse(p.data());
          fresh = store.addTls(r);
          o = o.plus(fresh ? new Outcome(0, 1, 0, List.of()) : new Outcome(0, 0, 1, List.of()));
          log.info("reports: TLS report {} of {}{}", r.reportId(), r.org(), fresh ? "" : ": already stored");
        }
      } catch (ReportException e) {
        o = o.plus(Outcome.problem(label + (p.name().isEmpty() || label.endsWith(p.name()) ? "" : " (" + p.name() + ")") + ": " + e.getMessage()));
      }
    }
    return o;
  }
}
