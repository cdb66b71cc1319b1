package dev.postamt.archive;

import dev.postamt.config.Archive;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderText;
import dev.postamt.queue.Envelope;
import dev.postamt.queue.Journal;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends records to the journal: the {@link Journal} the spool calls for every message it commits.
 * One process appends at a time ({@code archive/journal.lock}); appends are serialised, each record
 * written whole at the end of the current segment, and their fsyncs shared (a session finding its
 * bytes already forced by another returns at once). Only after the fsync is the record indexed and
 * {@link #record} returns, so the {@code 250} follows a durable copy.
 *
 * <p>A write that fails part-way truncates the segment back to where the record began; if even that
 * fails, every later append fails too (each message then gets {@code 451}) until a restart, when
 * {@link #open} cuts the torn tail, which no one was ever told was kept. A torn tail is cut only beyond
 * the last indexed record: damage to a record the index knows stops the journal from opening (run
 * {@code postamt archive verify}).
 */
public final class JournalWriter implements Journal, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

  private final Segments segments;
  private final Archive config;
  private final ArchiveIndex index;
  private final Clock clock;
  private final FileChannel lockFile;
  private final FileLock lock;

  // guarded by this
  private String current;
  private FileChannel channel;
  private long size;
  private long lastSeq;
  private String lastHash = JournalRecord.GENESIS;
  private boolean broken;
  private long appended;

  private final Object syncLock = new Object();
  private long synced; // guarded by syncLock

  private JournalWriter(Archive config, Clock clock, FileChannel lockFile, FileLock lock, ArchiveIndex index)
      throws IOException {
    this.config = config;
    this.clock = clock;
    this.lockFile = lockFile;
    this.lock = lock;
    this.index = index;
    this.segments = new Segments(config.dir());
  }

  /**
   * Opens the journal under {@code config.dir()} for appending, indexing what the segments hold beyond
   * the index and cutting a torn last record.
   *
   * @throws IOException when another process appends to it, or the journal is damaged
   */
  public static JournalWriter open(Archive config, Clock clock) throws IOException {
    if (!Files.isDirectory(config.dir())) {
      Files.createDirectories(config.dir());
      try { // every message of the organisation: for the server's user only
        Files.setPosixFilePermissions(config.dir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException notPosix) {
        // left to the file system's defaults
      }
    }
    FileChannel lf = FileChannel.open(config.dir().resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lf.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // this process holds it already
    } catch (IOException | RuntimeException e) {
      lf.close();
      throw e;
    }
    if (lock == null) {
      lf.close();
      throw new IOException("the journal in " + config.dir() + " is open in another process (the running server appends"
          + " to it and sweeps it daily)");
    }
    ArchiveIndex index = null;
    try {
      index = ArchiveIndex.open(config.dir().resolve("index.db"));
      JournalWriter w = new JournalWriter(config, clock, lf, lock, index);
      w.recover();
      return w;
    } catch (IOException | RuntimeException e) {
      if (index != null) {
        index.close();
      }
      lock.release();
      lf.close();
      throw e;
    }
  }

  private synchronized void recover() throws IOException {
    List<String> names = segments.list();
    Optional<ArchiveIndex.Head> head = index.head();
    int from = 0;
    long offset = 0;
    if (head.isPresent()) {
      lastSeq = head.get().seq();
      lastHash = head.get().hash();
      from = names.indexOf(head.get().segment());
      offset = head.get().end();
      if (from < 0) {
        throw new JournalDamage(head.get().segment(), offset, "missing, but the index knows record " + lastSeq + " in it");
      }
      if (Files.size(segments.path(names.get(from))) < offset) {
        throw new JournalDamage(head.get().segment(), offset, "truncated before the end of record " + lastSeq);
      }
    }
    for (int i = from; i < names.size(); i++) {
      String name = names.get(i);
      try (SegmentReader r = new SegmentReader(segments.path(name), i == from ? offset : 0)) {
        while (true) {
          JournalRecord rec;
          try {
            rec = r.next(null);
          } catch (JournalDamage d) {
            if (i != names.size() - 1) {
              throw d;
            }
            log.warn("archive: cutting a torn record never acknowledged at the end of {}: {}", name, d.getMessage());
            try (FileChannel ch = FileChannel.open(segments.path(name), StandardOpenOption.WRITE)) {
              ch.truncate(d.offset());
              ch.force(true);
            }
            break;
          }
          if (rec == null) {
            break;
          }
          if ((head.isPresent() || lastSeq > 0) && (rec.seq() <= lastSeq || (rec.seq() == lastSeq + 1 && !rec.prev().equals(lastHash)))) {
            throw new JournalDamage(name, rec.offset(), "seq " + rec.seq() + " does not continue the chain after seq " + lastSeq);
          }
          index.add(rec, Records.message(rec));
          lastSeq = rec.seq();
          lastHash = rec.hash();
        }
      }
    }
    if (!names.isEmpty()) {
      current = names.getLast();
      channel = FileChannel.open(segments.path(current), StandardOpenOption.WRITE);
      size = channel.size();
      channel.position(size);
    }
  }

  @Override
  public void record(Envelope env, String addedHeaders, MessageBytes message, long messageSize) throws IOException {
    byte[] added = addedHeaders.getBytes(StandardCharsets.UTF_8);
    HeaderSection h;
    try (InputStream in = new SequenceInputStream(new ByteArrayInputStream(added), message.open())) {
      h = HeaderSection.read(new java.io.BufferedInputStream(in, 8192));
    } catch (HeaderSection.TooLargeException e) {
      h = HeaderSection.of(List.of());
    }
    List<JournalRecord.Field> fields = Records.envelopeFields(env, header(h, "Subject"), header(h, "Message-ID"));
    long length = added.length + messageSize;
    JournalRecord rec;
    synchronized (this) {
      rec = append(JournalRecord.MESSAGE, fields, length, out -> {
        out.write(added);
        try (InputStream in = message.open()) {
          long n = in.transferTo(out);
          if (n != messageSize) {
            throw new IOException("message changed while journalled: " + n + " bytes, expected " + messageSize);
          }
        }
      });
    }
    sync();
    index.add(rec, Records.message(rec));
  }

  private static String header(HeaderSection h, String name) {
    List<HeaderSection.Field> f = h.all(name);
    return f.isEmpty() ? "" : HeaderText.decode(HeaderText.unfold(f.getFirst().value())).strip();
  }

  /** Writes the data of a record. */
  @FunctionalInterface
  interface Data {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Appends a tombstone (see {@link RetentionSweep}), durable and indexed on return. Must not run
   * concurrently with itself (the sweep is one thread).
   */
  JournalRecord appendTombstone(List<JournalRecord.Dropped> dropped, String reason, byte[] data) throws IOException {
    List<JournalRecord.Field> fields = new ArrayList<>();
    fields.add(new JournalRecord.Field("reason", reason));
    for (JournalRecord.Dropped d : dropped) {
      fields.add(new JournalRecord.Field("dropped", d.value()));
    }
    JournalRecord rec;
    synchronized (this) {
      rec = append(JournalRecord.TOMBSTONE, fields, data.length, out -> out.write(data));
    }
    sync();
    index.add(rec, null);
    return rec;
  }

  private JournalRecord append(String type, List<JournalRecord.Field> fields, long length, Data data) throws IOException {
    if (broken) {
      throw new IOException("the journal could not undo a failed write; it accepts nothing until restarted");
    }
    Instant now = clock.instant();
    roll(now);
    long seq = lastSeq + 1;
    byte[] header = JournalRecord.header(seq, type, now, lastHash, fields, length);
    long start = size;
    MessageDigest md = SegmentReader.sha256();
    byte[] trailer;
    try {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
      out.write(header);
      md.update(header);
      Counting body = new Counting(out, md);
      data.writeTo(body);
      if (body.count != length) {
        throw new IOException("record data of " + body.count + " bytes, announced " + length);
      }
      trailer = JournalRecord.trailer(md.digest());
      out.write(trailer);
      out.flush();
    } catch (IOException | RuntimeException e) {
      undo(start);
      throw e;
    }
    size = start + header.length + length + trailer.length;
    appended += size - start;
    byte[] hash = HexFormat.of().parseHex(new String(trailer, 9, 64, StandardCharsets.US_ASCII));
    JournalRecord rec = new JournalRecord(current, start, seq, type, now, lastHash, List.copyOf(fields),
        start + header.length, length, HexFormat.of().formatHex(hash), size);
    lastSeq = seq;
    lastHash = rec.hash();
    return rec;
  }

  private void undo(long start) {
    try {
      channel.truncate(start);
      channel.position(start);
    } catch (IOException | RuntimeException e) {
      broken = true;
      log.error("archive: cannot cut a failed record from {}: {}", current, e.toString());
    }
  }

  /** Starts a new segment at a new day (UTC) or when the current one is full. */
  private void roll(Instant now) throws IOException {
    if (current != null && Segments.day(current).equals(Segments.day(now)) && size < config.segmentSize()) {
      return;
    }
    String next = segments.next(current, now);
    FileChannel ch = FileChannel.open(segments.path(next), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    Segments.fsyncDirectory(segments.dir());
    if (channel != null) {
      channel.force(false); // what was appended to the old segment is durable before anything goes to the new one
      channel.close();
    }
    channel = ch;
    current = next;
    size = 0;
  }

  /** Forces everything appended so far, once for all the sessions waiting. */
  private void sync() throws IOException {
    long target;
    synchronized (this) {
      target = appended;
    }
    synchronized (syncLock) {
      while (synced < target) {
        long upTo;
        FileChannel ch;
        synchronized (this) {
          upTo = appended;
          ch = channel;
        }
        try {
          ch.force(false);
          synced = Math.max(synced, upTo);
        } catch (ClosedChannelException rolled) {
          // the segment was rolled, which forced it; force the new one
        }
      }
    }
  }

  /** The journal's directory. */
  public Path dir() {
    return config.dir();
  }

  Segments segments() {
    return segments;
  }

  ArchiveIndex index() {
    return index;
  }

  Archive config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  /** The segment being appended to, or null before the first record. */
  synchronized String currentSegment() {
    return current;
  }

  @Override
  public synchronized void close() {
    try {
      if (channel != null) {
        channel.force(false);
        channel.close();
      }
    } catch (IOException e) {
      log.warn("archive: closing {}: {}", current, e.toString());
    }
    index.close();
    try {
      lock.release();
      lockFile.close();
    } catch (IOException ignored) {
      // the process ends or the lock is dropped with the channel
    }
  }

  /** Counts and hashes the data of a record on its way out. */
  private static final class Counting extends OutputStream {
    private final OutputStream out;
    private final MessageDigest md;
    long count;

    Counting(OutputStream out, MessageDigest md) {
      this.out = out;
      this.md = md;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      md.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      md.update(b, off, len);
      count += len;
    }
  }
}
