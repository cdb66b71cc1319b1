package dev.postamt.queue;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable queue on disk. A message is one file: the message bytes as received, then the envelope
 * as a trailer (text lines, values in xtext), then a fixed-size footer giving the trailer's length
 * ({@link QueueFile}).
 * It is written in {@code incoming/} (a small message only at its commit: see {@link Writer}), fsync'd,
 * and renamed into
 * {@code active/}, whose directory is fsync'd before the SMTP server answers 250: the rename is the
 * commit. Per-recipient outcomes are appended (and fsync'd) to {@code active/<id>.status}; the last line
 * for a recipient wins, so replaying it after a crash is idempotent. Held messages live in {@code hold/}.
 *
 * <pre>
 * queue/incoming/ID         being received (over 256 KiB) or committed; deleted at start-up (never acknowledged)
 * queue/active/ID           committed messages
 * queue/active/ID.status    "IDX D|F|T EPOCHMS XTEXT" lines
 * queue/hold/ID(.status)    on hold
 * </pre>
 */
public final class DurableSpool {
  /**
   * Made at its first use, not when the class is: a process's first SecureRandom sets up the JDK's
   * security providers (~30 ms), which a server's start then no longer waits for (issue 27).
   */
  private static final class Lazy {
    static final SecureRandom RANDOM = new SecureRandom();
  }
  private static final AtomicLong SEQ = new AtomicLong();
  private static final char[] ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZ".toCharArray();

  private final Path incoming;
  private final Path active;
  private final Path hold;
  private final Journal journal;

  public DurableSpool(Path queueDir) throws IOException {
    this(queueDir, Journal.NONE);
  }

  /** A spool that hands every message to {@code journal} before committing it (see {@link Journal}). */
  public DurableSpool(Path queueDir, Journal journal) throws IOException {
    this.journal = journal;
    this.incoming = Files.createDirectories(queueDir.resolve("incoming"));
    this.active = Files.createDirectories(queueDir.resolve("active"));
    this.hold = Files.createDirectories(queueDir.resolve("hold"));
  }

  /** Deletes what was being received when the process died; none of it was acknowledged. */
  public int recover() throws IOException {
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(incoming)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
        n++;
      }
    }
    for (Path dir : List.of(active, hold)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.status")) {
        for (Path p : ds) {
          String name = p.getFileName().toString();
          if (!Files.exists(dir.resolve(name.substring(0, name.length() - 7)))) {
            Files.deleteIfExists(p); // its message was removed just before a crash
          }
        }
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp")) {
        for (Path p : ds) {
          Files.deleteIfExists(p);
        }
      }
    }
    return n;
  }

  /** A new queue id: time-ordered, unique within this spool, safe as a file and Maildir name. */
  public static String newId() {
    long t = System.currentTimeMillis();
    long r = (SEQ.incrementAndGet() & 0xfff) << 20 | Lazy.RANDOM.nextInt(1 << 20);
    return base(t, 9) + base(r, 7);
  }

  private static String base(long v, int width) {
    char[] c = new char[width];
    for (int i = width - 1; i >= 0; i--) {
      c[i] = ALPHABET[(int) Long.remainderUnsigned(v, ALPHABET.length)];
      v = Long.divideUnsigned(v, ALPHABET.length);
    }
    return new String(c);
  }

  /** Starts writing a message; write it to {@link Writer#out()}, then commit or abort. */
  public Writer create(String id) throws IOException {
    return new Writer(id, 0);
  }

  /**
   * As {@link #create(String)}, for a message whose client declared about {@code declaredSize} bytes
   * (SMTP {@code MAIL FROM ... SIZE=}, RFC 1870; 0 or less: not declared): a message that will be held in
   * memory gets a first block of about that size, which then holds it whole ({@link InMemoryMessage}: no
   * second array is made when it is read). The size is only a hint: a message longer than declared grows
   * by more blocks as any other, and the first block is at most {@link #KEPT_IN_MEMORY}.
   */
  public Writer create(String id, long declaredSize) throws IOException {
    return new Writer(id, declaredSize);
  }

  /** The first in-memory array for a message of {@code declaredSize} bytes (0: unknown). */
  static int firstArraySize(long declaredSize) {
    if (declaredSize <= 0 || declaredSize > KEPT_IN_MEMORY) {
      return 4096; // unknown, or going to its file anyway
    }
    // room for a little more than declared (a client counts its own line endings and headers)
    return (int) Math.min(KEPT_IN_MEMORY, Math.max(4096, declaredSize + declaredSize / 32 + 256));
  }

  /**
   * How much of a message a {@link Writer} holds in memory instead of writing it to its file: most mail is
   * a few KiB. A message that grows past this goes to its file in {@code incoming/} from then on.
   * 256 KiB (64 KiB until 2026-12-05): a message of 100 KiB read back from its file by each check and by
   * the delivery cost it a file, its writes and half a dozen reads (bench/README.md, 2026-12-05 cpu100k);
   * in memory it costs its bytes while it is received, as many as the 64 KiB write and read buffers did.
   */
  static final int KEPT_IN_MEMORY = 256 * 1024;

  /**
   * An incoming message being written. Not thread-safe; one per SMTP transaction.
   *
   * <p>A message of up to {@link #KEPT_IN_MEMORY} bytes stays in memory until it is committed: the checks
   * before the reply read it from there, and one that is delivered into its Maildirs before the reply
   * ({@link #stage}, then {@link #abort}) never gets a spool file at all. Its file in {@code incoming/} was
   * never fsync'd and was deleted again after the delivery, so it bought nothing: without it a message
   * costs the file system one new inode fewer, and a dozen system calls (create, write, read it back
   * twice, unlink). {@link #commitStaged} writes the file, makes it durable and renames it, as before.
   */
  public final class Writer implements AutoCloseable {
    private final String id;
    private final Path tmp;
    /** The file in {@code incoming/}, once there is one (null while the message is only in memory). */
    private FileChannel channel;
    private OutputStream out;
    private boolean finished;
    private boolean journalled;
    /** The message while it is only in memory (null once it is in its file). */
    private InMemoryMessage kept;
    /**
     * The envelope of a message staged in memory, whose trailer {@link #commitStaged} writes to the file
     * (encoded only then: a message delivered before the reply never needs it).
     */
    private Envelope stagedEnvelope;
    private String stagedHeaders;
    /** What {@link #stage} returned, which {@link #commitStaged} returns with its file in {@code active/}. */
    private QueuedMessage stagedMessage;
    private final OutputStream data = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        if (kept != null && kept.length() < KEPT_IN_MEMORY) {
          kept.append((byte) b);
        } else {
          write(new byte[] {(byte) b}, 0, 1);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (kept != null && keep(b, off, len)) {
          return;
        }
        out.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        if (out != null) {
          out.flush();
        }
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };

    private Writer(String id, long declaredSize) {
      this.id = id;
      this.tmp = incoming.resolve(id);
      this.kept = new InMemoryMessage(firstArraySize(declaredSize));
    }

    public String id() {
      return id;
    }

    /** Where the message goes (in memory while small, else into its file). */
    public OutputStream out() {
      return data;
    }

    /** Adds to the message in memory; false when it no longer fits there (it is in its file then). */
    private boolean keep(byte[] b, int off, int len) throws IOException {
      if ((long) kept.length() + len > KEPT_IN_MEMORY) {
        toFile();
        return false;
      }
      kept.append(b, off, len);
      return true;
    }

    /** Creates the file in {@code incoming/} with what is in memory; the message is written there from now on. */
    private void toFile() throws IOException {
      channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
      kept.writeTo(out);
      kept = null;
    }

    /** The message bytes written so far, for checks that run before the commit. */
    public InputStream openWritten() throws IOException {
      if (kept != null) {
        return kept.stream();
      }
      out.flush();
      long size = channel.size();
      return new java.io.BufferedInputStream(new BoundedInputStream(Files.newInputStream(tmp), size), bufferFor(size));
    }

    /**
     * Removes header fields (0-based positions in the header section) from what was written, e.g.
     * forged Authentication-Results. A field is its first line and its continuation lines.
     */
    public void dropHeaderFields(java.util.Collection<Integer> positions) throws IOException {
      if (kept != null) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(kept.length());
        HeaderFilter.copyWithout(kept.stream(), o, java.util.Set.copyOf(positions));
        kept = InMemoryMessage.of(o.toByteArray());
        return;
      }
      out.flush();
      channel.close();
      Path rewritten = incoming.resolve(id + ".rw");
      try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(tmp));
          OutputStream o = new BufferedOutputStream(Files.newOutputStream(rewritten))) {
        HeaderFilter.copyWithout(in, o, java.util.Set.copyOf(positions));
      }
      Files.move(rewritten, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
    }

    /**
     * Appends the envelope and makes the message durable: data and directory entry are on stable
     * storage on return.
     *
     * @param headers header lines we add in front of the message at delivery (Received:,
     *     Authentication-Results:), CRLF-terminated; kept apart so the message bytes stay as received
     */
    public void commit(Envelope env, String headers) throws IOException {
      appendTrailer(env, headers);
      commitStaged();
    }

    /**
     * Appends the envelope as {@link #commit} does, but makes nothing durable (a small message stays in
     * memory, a large one in {@code incoming/}, which start-up empties: nothing there was ever
     * acknowledged), and returns the message as the queue would load it; {@link #openMessage} reads it
     * from memory while it is there. Then {@link #commitStaged} or {@link #abort}.
     */
    public QueuedMessage stage(Envelope env, String headers) throws IOException {
      long bodySize = appendTrailer(env, headers);
      // what read(tmp, false) gives, without reading back the trailer just written: the arrival as the
      // file keeps it (milliseconds), every recipient scheduled (a new message has no status file)
      Envelope loaded = new Envelope(env.id(), Instant.ofEpochMilli(env.arrival().toEpochMilli()), env.sender(),
          env.recipients(), env.body(), env.smtpUtf8(), env.ret(), env.envid(), env.clientHelo(), env.clientAddress(),
          env.authUser(), env.protocol(), env.requireTls());
      List<RecipientStatus> scheduled = new ArrayList<>(env.recipients().size());
      for (int i = 0; i < env.recipients().size(); i++) {
        scheduled.add(new RecipientStatus.Scheduled());
      }
      stagedMessage = new QueuedMessage(loaded, List.copyOf(scheduled), tmp, headers, bodySize, false, List.of(),
          kept == null ? null : kept.whole());
      return stagedMessage;
    }

    /**
     * Hands the message as written so far to the spool's {@link Journal}, once per message: {@link
     * #commit} and {@link #stage} do it themselves; a message taken out of the queue's path instead (a
     * quarantine) calls it before it is answered. Throws when the journal cannot keep it: then the
     * message must not be acknowledged.
     */
    public void journal(Envelope env, String headers) throws IOException {
      if (journalled) {
        return;
      }
      if (kept != null) {
        byte[] bytes = kept.whole();
        journal.record(env, headers, () -> new ByteArrayInputStream(bytes), bytes.length);
      } else {
        out.flush();
        long size = channel.size();
        journal.record(env, headers, () -> new BoundedInputStream(Files.newInputStream(tmp), size), size);
      }
      journalled = true;
    }

    /** Appends the envelope after the message (in memory until the commit, if the message is); returns the message's size. */
    private long appendTrailer(Envelope env, String headers) throws IOException {
      if (!env.id().equals(id)) {
        throw new IllegalArgumentException("envelope id " + env.id() + " for spool file " + id);
      }
      journal(env, headers);
      if (kept != null) {
        stagedEnvelope = env;
        stagedHeaders = headers;
        return kept.length();
      }
      out.flush();
      long bodySize = channel.size();
      out.write(QueueFile.trailerAndFooter(env, headers, bodySize));
      out.flush();
      return bodySize;
    }

    /**
     * Makes an appended message durable: data and directory entry are on stable storage on return. Returns
     * the message {@link #stage} gave as the queue now finds it, its file in {@code active/} and its bytes
     * still in memory when they were (for the queue's first attempt, {@link
     * QueueManager#submit(QueuedMessage)}); null when it was not staged ({@link #commit}).
     */
    public QueuedMessage commitStaged() throws IOException {
      if (kept != null) {
        if (stagedEnvelope == null) {
          throw new IllegalStateException("spool file " + id + " committed without its envelope");
        }
        byte[] bytes = kept.whole();
        byte[] trailer = QueueFile.trailerAndFooter(stagedEnvelope, stagedHeaders, bytes.length);
        channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        java.nio.ByteBuffer[] parts = {java.nio.ByteBuffer.wrap(bytes), java.nio.ByteBuffer.wrap(trailer)};
        while (parts[1].hasRemaining()) {
          channel.write(parts);
        }
        kept = null;
      }
      channel.force(true);
      channel.close();
      Files.move(tmp, active.resolve(id), StandardCopyOption.ATOMIC_MOVE);
      dev.postamt.store.DirectorySync.sync(active); // group commit with the other sessions
      finished = true;
      QueuedMessage m = stagedMessage;
      return m == null ? null : new QueuedMessage(m.envelope(), m.statuses(), active.resolve(id), m.headers(), m.size(),
          false, m.notices(), m.content());
    }

    public void abort() {
      if (finished) {
        return;
      }
      finished = true;
      kept = null;
      if (channel == null) {
        return; // only ever in memory
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // deleting anyway
      }
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // recover() removes it at the next start
      }
    }

    @Override
    public void close() {
      abort();
    }
  }

  /**
   * Makes {@code dir}'s entries durable: an fsync that began after this call has finished when it returns,
   * shared with the sessions committing messages into the same directory at the time ({@link
   * dev.postamt.store.DirectorySync}). A relayed message's durable removal from {@code active/} is then
   * part of the next message's commit fsync under load instead of an fsync (and a disk flush) of its own.
   */
  static void fsyncDirectory(Path dir) throws IOException {
    dev.postamt.store.DirectorySync.sync(dir);
  }


  /** Ids of committed messages, active first then held, oldest first. */
  public List<String> ids() throws IOException {
    List<String> out = new ArrayList<>();
    for (Path dir : List.of(active, hold)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String n = p.getFileName().toString();
          if (!n.contains(".")) {
            out.add(n);
          }
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** Loads a message's envelope and statuses; empty when it is no longer in the queue. */
  public Optional<QueuedMessage> load(String id) throws IOException {
    if (!id.matches("[0-9A-Z]{6,40}")) {
      return Optional.empty();
    }
    for (Path dir : List.of(active, hold)) {
      Path f = dir.resolve(id);
      try {
        return Optional.of(QueueFile.read(f, dir == hold));
      } catch (NoSuchFileException e) {
        // try the next place
      }
    }
    return Optional.empty();
  }


  /**
   * Records that a delivery status notification of {@code kind} ("failure", "success", "delay") with
   * queue id {@code dsnId} was committed for these recipients; fsync'd, so it is never sent twice.
   */
  public void recordNotice(String id, List<Integer> indexes, String kind, String dsnId) throws IOException {
    StringBuilder b = new StringBuilder();
    long now = System.currentTimeMillis();
    for (int idx : indexes) {
      b.append(idx).append(" N ").append(now).append(' ').append(Xtext.encode(kind + ":" + dsnId)).append('\n');
    }
    append(id, b.toString());
  }

  /** Whether a committed message with this id exists (active or held). */
  public boolean exists(String id) {
    return Files.exists(active.resolve(id)) || Files.exists(hold.resolve(id));
  }

  /** Appends outcomes for recipients (by index) and fsyncs them. */
  public void record(String id, List<Integer> indexes, RecipientStatus status) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int idx : indexes) {
      b.append(idx).append(' ');
      switch (status) {
        case RecipientStatus.Delivered d ->
            b.append(
                    switch (d.kind()) {
                      case DELIVERED -> "D ";
                      case RELAYED -> "R ";
                      case DSN_PASSED_ON -> "P ";
                    })
                .append(d.at().toEpochMilli())
                .append(' ')
                .append(Xtext.encode(d.detail()));
        case RecipientStatus.PermFail p ->
            b.append("F ").append(p.at().toEpochMilli()).append(' ').append(Xtext.encode(p.reason()));
        case RecipientStatus.TempFail t ->
            b.append("T ").append(t.next().toEpochMilli()).append(' ').append(Xtext.encode(t.reason()));
        case RecipientStatus.Scheduled s -> b.append("S ").append(System.currentTimeMillis());
      }
      b.append('\n');
    }
    append(id, b.toString());
  }

  private void append(String id, String lines) throws IOException {
    Path dir = Files.exists(active.resolve(id)) ? active : hold;
    Path f = dir.resolve(id + ".status");
    boolean created = !Files.exists(f);
    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.wrap(lines.getBytes(StandardCharsets.US_ASCII)));
      ch.force(false);
    }
    if (created) {
      fsyncDirectory(dir);
    }
  }

  /** Opens the message bytes (after the envelope header): from memory for a message staged there, else from its file. */
  public InputStream openMessage(QueuedMessage m) throws IOException {
    if (m.content() != null) {
      return m.content().length == m.size() ? new InMemoryMessage.Stream(m.content())
          : new ByteArrayInputStream(m.content(), 0, (int) m.size());
    }
    return new java.io.BufferedInputStream(
        new BoundedInputStream(Files.newInputStream(m.file()), m.size()), bufferFor(m.size()));
  }

  /**
   * A read buffer for {@code size} bytes: 64 KiB for a large message, no more than the message for a
   * small one (a 4 KiB message is opened half a dozen times on its way in, and 64 KiB each time was a
   * third of what it allocated).
   */
  static int bufferFor(long size) {
    return (int) Math.max(512, Math.min(64 * 1024, size + 1));
  }

  /** Removes a message for good (deleted by the admin): durable on return. */
  public boolean remove(String id) throws IOException {
    return remove(id, true);
  }

  /**
   * Removes a message whose delivery is finished. The directory is not fsync'd: a removal lost in a
   * crash brings back a message whose recipients are all recorded as done (or, on the queue's quick
   * path, whose Maildir copies are found again), so nothing is delivered twice.
   */
  public boolean removeDone(String id) throws IOException {
    return remove(id, false);
  }

  /** The message file goes first: it is the record. */
  private boolean remove(String id, boolean durable) throws IOException {
    boolean any = false;
    for (Path dir : List.of(active, hold)) {
      if (Files.deleteIfExists(dir.resolve(id))) {
        any = true;
        Files.deleteIfExists(dir.resolve(id + ".status"));
        if (durable) {
          fsyncDirectory(dir);
        }
      }
    }
    return any;
  }

  /** Moves a message to hold/ (true) or back to active/ (false); false when it was not there. */
  public boolean setHeld(String id, boolean held) throws IOException {
    Path from = held ? active : hold;
    Path to = held ? hold : active;
    if (!Files.exists(from.resolve(id))) {
      return false;
    }
    // status first: a crash in between leaves it beside a message that is still where it was,
    // and recover() only removes status files whose message is gone from that directory.
    if (Files.exists(from.resolve(id + ".status"))) {
      Files.copy(from.resolve(id + ".status"), to.resolve(id + ".status"), StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(from.resolve(id), to.resolve(id), StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(from.resolve(id + ".status"));
    fsyncDirectory(to);
    fsyncDirectory(from);
    return true;
  }
}
