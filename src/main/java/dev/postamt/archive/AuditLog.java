package dev.postamt.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code archive/audit.log}: who looked into the journal, and who changed what it keeps. One line per
 * event, appended and fsync'd under an exclusive file lock (the CLI and the server both append):
 *
 * <pre>
 * 2026-12-04T21:35:18Z by=root search "invoice" --from a@example.org results=3 chain=9f86d0…
 * </pre>
 *
 * {@code chain} is the SHA-256 (hex) of the previous line's {@code chain} value (64 zeros for the
 * first line), a space, and this line's text up to the space before {@code chain=}: an edited, removed
 * or reordered line breaks every {@code chain} after it ({@link #read} reports where).
 */
public final class AuditLog {
  private static final String CHAIN = " chain=";
  private final Path file;

  public AuditLog(Path archiveDir) {
    this.file = archiveDir.resolve("audit.log");
  }

  /** What the log holds, and the first line whose chain does not match (0: none). */
  public record Contents(List<String> lines, int brokenAt) {}

  /** Appends one event; {@code text} is made one line. */
  public void append(Instant at, String actor, String text) throws IOException {
    Files.createDirectories(file.getParent());
    String body = at.truncatedTo(ChronoUnit.SECONDS) + " by=" + oneWord(actor) + " " + text.replaceAll("[\\r\\n]+", " ");
    synchronized (AuditLog.class) {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        String prev = lastChain(ch);
        String line = body + CHAIN + chain(prev, body) + "\n";
        ch.position(ch.size());
        ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(false);
      }
    }
  }

  public Contents read() throws IOException {
    if (!Files.exists(file)) {
      return new Contents(List.of(), 0);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String prev = JournalRecord.GENESIS;
    int broken = 0;
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      out.add(l);
      int c = l.lastIndexOf(CHAIN);
      String found = c < 0 ? "" : l.substring(c + CHAIN.length());
      if (broken == 0 && (c < 0 || !found.equals(chain(prev, l.substring(0, c))))) {
        broken = i + 1;
      }
      prev = found;
    }
    return new Contents(List.copyOf(out), broken);
  }

  private String lastChain(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size == 0) {
      return JournalRecord.GENESIS;
    }
    int n = (int) Math.min(size, 4096);
    ByteBuffer b = ByteBuffer.allocate(n);
    ch.read(b, size - n);
    String tail = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    int c = tail.lastIndexOf(CHAIN);
    if (c < 0) {
      throw new IOException(file + ": the audit log's last line has no chain value; see postamt archive audit");
    }
    return tail.substring(c + CHAIN.length()).strip();
  }

  private static String chain(String prev, String body) {
    var md = SegmentReader.sha256();
    md.update((prev + " " + body).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest());
  }

  private static String oneWord(String s) {
    String w = s == null || s.isBlank() ? "unknown" : s.strip().replaceAll("\\s+", "_");
    return w;
  }
}
