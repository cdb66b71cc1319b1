package dev.postamt.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The journal as administrators read it: search, export, legal holds. Works beside a running server
 * (the index is SQLite in WAL mode; segments are only appended to). Every record read back is checked
 * against its own {@code sha256} on the way out, so an export never carries a modified message unseen.
 */
public final class JournalArchive implements AutoCloseable {
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Path dir;
  private final ArchiveIndex index;

  private JournalArchive(Path dir, ArchiveIndex index) {
    this.dir = dir;
    this.index = index;
  }

  /** Opens the journal in {@code archiveDir}; an {@link IOException} saying so when there is none. */
  public static JournalArchive open(Path archiveDir) throws IOException {
    if (!Files.exists(archiveDir.resolve("index.db"))) {
      throw new IOException("no compliance journal in " + archiveDir + " (set [archive] journal = true and start the server)");
    }
    return new JournalArchive(archiveDir, ArchiveIndex.open(archiveDir.resolve("index.db")));
  }

  /** The legal holds' side only: opens (creating when missing) the index, so a hold can precede the first message. */
  public static JournalArchive openForHolds(Path archiveDir) throws IOException {
    Files.createDirectories(archiveDir);
    return new JournalArchive(archiveDir, ArchiveIndex.open(archiveDir.resolve("index.db")));
  }

  public List<ArchivedMessage> search(ArchiveQuery q) throws IOException {
    return index.search(q);
  }

  /**
   * Writes the messages {@code q} matches to {@code mbox} as mboxrd: each a {@code From } line with
   * the envelope sender and the time journalled, an {@code X-Postamt-Journal:} field carrying the
   * envelope (recipients included: Bcc recipients appear nowhere else), then the message as it was
   * received with our trace fields in front. Returns how many.
   */
  public int export(ArchiveQuery q, OutputStream mbox) throws IOException {
    int n = 0;
    for (ArchivedMessage m : index.search(q)) {
      String from = m.sender().isEmpty() ? "MAILER-DAEMON" : m.sender().replace(' ', '_');
      StringBuilder h = new StringBuilder();
      h.append("From ").append(from).append(' ').append(ASCTIME.format(m.time())).append('\n');
      h.append("X-Postamt-Journal: seq=").append(m.seq()).append("; queue-id=").append(m.queueId())
          .append("; time=").append(m.time()).append(";\n\tmail-from=<").append(m.sender()).append(">; rcpt=")
          .append(String.join(",", m.recipients().stream().map(r -> "<" + r + ">").toList()))
          .append(";\n\tclient=").append(m.client()).append("; helo=").append(m.helo());
      if (!m.authUser().isEmpty()) {
        h.append("; auth=").append(m.authUser());
      }
      h.append('\n');
      mbox.write(h.toString().replaceAll("[\\x00-\\x08\\x0b-\\x1f]", "?").getBytes(StandardCharsets.UTF_8));
      MboxrdOutput body = new MboxrdOutput(mbox);
      copy(m, body);
      body.finish();
      n++;
    }
    mbox.flush();
    return n;
  }

  /** The bytes of a journalled message (our trace fields, then the message as received), checked against its hash. */
  public void copy(ArchivedMessage m, OutputStream out) throws IOException {
    try (SegmentReader r = new SegmentReader(Segments.dirOf(dir).resolve(m.segment()), m.offset())) {
      JournalRecord rec = r.next(out);
      if (rec == null || rec.seq() != m.seq()) {
        throw new JournalDamage(m.segment(), m.offset(), "the index points at seq " + m.seq() + " but the record there is "
            + (rec == null ? "missing" : "seq " + rec.seq()));
      }
    }
  }

  /** Adds a hold; false when one on that target stands already. */
  public boolean addHold(LegalHold h) throws IOException {
    return index.addHold(h);
  }

  public boolean removeHold(String target) throws IOException {
    return index.removeHold(target);
  }

  public List<LegalHold> holds() throws IOException {
    return index.holds();
  }

  @Override
  public void close() {
    index.close();
  }
}
