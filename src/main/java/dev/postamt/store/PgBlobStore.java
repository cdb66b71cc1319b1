package dev.postamt.store;

import dev.postamt.postgres.PgDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link BlobStore} in PostgreSQL ({@code [store] blobs = "postgresql"}): message bytes as {@code
 * bytea} rows of {@code mail_blob}, keyed by account, mailbox id and key, so that several nodes serve
 * the same mail without a shared filesystem (the "small site" choice; large ones keep Maildir files on
 * a shared directory). The only class with SQL on that table.
 *
 * <p>Durability: every write commits with {@code synchronous_commit} on for its transaction ({@code SET
 * LOCAL}), whatever the server's default, so a row is on the database's stable storage (WAL flushed)
 * when {@link #put} or {@link #copy} returns, as a Maildir file is after its fsync.
 *
 * <p>Keys: {@link #put} makes {@code <seconds>.M<micros>R<random>Q<n>.postamt,S=<size>}, unique across
 * nodes without asking the database, and shaped like a Maildir base name so that an export can use it
 * as a file name; a local delivery's key is its delivery id ({@link Maildir#baseName}), which makes a
 * retried delivery find its earlier copy. Rows belong to a mailbox id, which a rename keeps, so
 * renaming moves nothing; a copy is a server-side {@code INSERT … SELECT} (the bytes never travel to
 * this process).
 *
 * <p>Reads: a blob of at most {@value #WHOLE} bytes is fetched whole when opened (it then stays
 * readable after an expunge, as an open Maildir file does); a larger one is read in slices of {@value
 * #SLICE} bytes with {@code substring()}, which PostgreSQL answers from the TOAST chunks of that range
 * only because the column is stored uncompressed ({@code STORAGE EXTERNAL}). Such a large message expunged
 * by another session while it is being read gives an {@link IOException} for the rest of the read.
 */
final class PgBlobStore implements BlobStore {
  static final String OWNER = "mail_blob";

  /** Schema versions (see {@link PgDatabase#migrate}). */
  static final List<String> SCHEMA = List.of("""
      CREATE TABLE mail_blob(account TEXT NOT NULL, mailbox_id BIGINT NOT NULL, key TEXT NOT NULL,
        data BYTEA NOT NULL, created TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY(account, mailbox_id, key));
      ALTER TABLE mail_blob ALTER COLUMN data SET STORAGE EXTERNAL;
      """);

  /** The table in the order {@code postamt migrate} would fill it. */
  static final List<String> TABLES = List.of("mail_blob");

  /** Blobs up to this size are read in one query when opened. */
  static final int WHOLE = 256 * 1024;

  /** Larger blobs are read in slices of this size. */
  static final int SLICE = 256 * 1024;

  /** PostgreSQL's limit for one field value (1 GB). */
  static final long MAX_BYTES = (1L << 30) - 1;

  private static final AtomicLong COUNTER = new AtomicLong();
  /** Random per process: two nodes (even with the same pid) never make the same key. */
  private static final String NODE = HexFormat.of().formatHex(randomBytes(4));

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  private final PgDatabase db;
  private final String account;

  PgBlobStore(PgDatabase db, String account) {
    this.db = db;
    this.account = account;
  }

  /** Creates or upgrades the table (once per process is enough; cheap afterwards). */
  static void migrate(PgDatabase db) {
    db.migrate(OWNER, SCHEMA);
  }

  /** A new key, unique across nodes and processes. */
  static String newKey(long size) {
    long now = System.currentTimeMillis();
    return (now / 1000) + ".M" + (now % 1000) * 1000 + "R" + NODE + "Q" + COUNTER.incrementAndGet() + ".postamt,S="
        + size;
  }

  /** Any name the index accepts: rows are keyed by mailbox id, so no file name limit applies. */
  @Override
  public void checkName(String mailbox) {}

  /** Nothing to make: a mailbox's blobs are rows with its id. */
  @Override
  public void createMailbox(String mailbox) {}

  /** Nothing to move: the rows follow the mailbox id, which a rename keeps. */
  @Override
  public void renameMailbox(String from, String to) {}

  @Override
  public void deleteMailbox(MailboxInfo mailbox) throws IOException {
    write(c -> update(c, "DELETE FROM mail_blob WHERE account=? AND mailbox_id=?", account, mailbox.id()));
  }

  @Override
  public String put(MailboxInfo mailbox, InputStream content, long size, Set<String> flags, long internalDate)
      throws IOException {
    String key = newKey(size);
    write(c -> {
      insert(c, mailbox.id(), key, content, size, true);
      return null;
    });
    return key;
  }

  /**
   * Stores a local delivery inside the caller's index transaction {@code c} (so blob and index row commit
   * together): {@code size} bytes from {@code content}, or fewer when the stream ends within its first
   * {@value #WHOLE} bytes (a stub, which {@link MailStore#deliver} stores under its full message's size).
   */
  void insertDelivery(Connection c, long mailboxId, String key, InputStream content, long size) throws IOException {
    try {
      syncCommit(c);
      insert(c, mailboxId, key, content, size, false);
    } catch (SQLException e) {
      throw new IOException("cannot store the message in " + db.display() + ": " + e.getMessage(), e);
    }
  }

  /** Whether the mailbox has a blob under {@code key} (a delivery's retry asks), on {@code c}. */
  boolean has(Connection c, long mailboxId, String key) throws SQLException {
    try (PreparedStatement ps = prepare(c, "SELECT 1 FROM mail_blob WHERE account=? AND mailbox_id=? AND key=?",
        account, mailboxId, key); ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  /** Whether the mailbox has a blob under {@code key}, on a pooled connection. */
  boolean has(long mailboxId, String key) throws IOException {
    try (Connection c = db.connection()) {
      return has(c, mailboxId, key);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  private void insert(Connection c, long mailboxId, String key, InputStream content, long size, boolean exact)
      throws SQLException, IOException {
    InputStream in = content;
    long length = size;
    if (!exact) {
      byte[] head = content.readNBytes((int) Math.min(size, WHOLE));
      if (head.length < Math.min(size, WHOLE)) {
        length = head.length; // the stream ended early: a stub
        in = new ByteArrayInputStream(head);
      } else {
        in = new SequenceInputStream(new ByteArrayInputStream(head), content);
      }
    }
    if (length > MAX_BYTES) {
      throw new IOException("message of " + length + " bytes is larger than PostgreSQL's " + MAX_BYTES + " per field");
    }
    Counted counted = new Counted(in);
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO mail_blob(account, mailbox_id, key, data) VALUES(?,?,?,?)")) {
      ps.setString(1, account);
      ps.setLong(2, mailboxId);
      ps.setString(3, key);
      ps.setBinaryStream(4, counted, (int) length);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (counted.count < length) {
        throw new IOException("message is " + counted.count + " bytes, " + length + " announced", e);
      }
      throw e;
    }
    if (counted.count != length || (exact && content.read() >= 0)) {
      throw new IOException("message is not the " + length + " bytes announced");
    }
  }

  @Override
  public Optional<MessageContent> open(MailboxInfo mailbox, String key, Set<String> flags) throws IOException {
    try (Connection c = db.connection(); PreparedStatement ps = prepare(c,
        "SELECT octet_length(data), CASE WHEN octet_length(data) <= ? THEN data END FROM mail_blob"
            + " WHERE account=? AND mailbox_id=? AND key=?", WHOLE, account, mailbox.id(), key);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      long size = rs.getLong(1);
      byte[] whole = rs.getBytes(2);
      return Optional.of(new MessageContent(new Slices(mailbox.id(), key, size, whole), size));
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  @Override
  public String copy(MailboxInfo fromMailbox, String key, Set<String> flags, long size, MailboxInfo toMailbox)
      throws IOException {
    String copy = newKey(size);
    int n = write(c -> update(c, "INSERT INTO mail_blob(account, mailbox_id, key, data) SELECT account, ?, ?, data"
        + " FROM mail_blob WHERE account=? AND mailbox_id=? AND key=?", toMailbox.id(), copy, account,
        fromMailbox.id(), key));
    return n == 0 ? null : copy;
  }

  @Override
  public void delete(MailboxInfo mailbox, Collection<MessageRecord> messages) throws IOException {
    if (messages.isEmpty()) {
      return;
    }
    String[] keys = messages.stream().map(MessageRecord::base).toArray(String[]::new);
    write(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM mail_blob WHERE account=? AND mailbox_id=? AND key = ANY(?)")) {
        ps.setString(1, account);
        ps.setLong(2, mailbox.id());
        ps.setArray(3, c.createArrayOf("text", keys));
        return ps.executeUpdate();
      }
    });
  }

  /** How old an unreferenced blob must be before {@link #dropUnreferenced} takes it at a reindex. */
  static final java.time.Duration GRACE = java.time.Duration.ofHours(1);

  /**
   * Removes the blobs no index row refers to: an APPEND or COPY whose index commit a crash prevented left
   * them (never a delivery, which commits both at once). Only blobs older than {@code age} are taken, so
   * that a write in progress on another node (blob committed, index row not yet) is left alone; {@code
   * referenced} must be read before this is called.
   *
   * @param referenced per mailbox id, the keys its index rows have
   * @return how many blobs were removed
   */
  int dropUnreferenced(java.util.Map<Long, Set<String>> referenced, java.time.Duration age) throws IOException {
    return write(c -> {
      List<Object[]> doomed = new java.util.ArrayList<>();
      try (PreparedStatement ps = prepare(c, "SELECT mailbox_id, key FROM mail_blob WHERE account=?"
          + " AND created < now() - make_interval(secs => ?)", account, (double) age.toSeconds());
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!referenced.getOrDefault(rs.getLong(1), Set.of()).contains(rs.getString(2))) {
            doomed.add(new Object[] {rs.getLong(1), rs.getString(2)});
          }
        }
      }
      for (Object[] d : doomed) {
        update(c, "DELETE FROM mail_blob WHERE account=? AND mailbox_id=? AND key=?", account, d[0], d[1]);
      }
      return doomed.size();
    });
  }

  /** Flags live in the index only. */
  @Override
  public void flagsChanged(MailboxInfo mailbox, String key, Set<String> oldFlags, Set<String> newFlags) {}

  // ---- statements -----------------------------------------------------------------------------------

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args)) {
      return ps.executeUpdate();
    }
  }

  /** A write that must be durable at commit whatever the server's {@code synchronous_commit}. */
  private static void syncCommit(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL synchronous_commit TO on");
    }
  }

  @FunctionalInterface
  private interface Write<T> {
    T run(Connection c) throws SQLException, IOException;
  }

  private <T> T write(Write<T> work) throws IOException {
    IOException[] thrown = new IOException[1];
    try {
      return db.transaction(c -> {
        syncCommit(c);
        try {
          return work.run(c);
        } catch (IOException e) {
          thrown[0] = e;
          throw new SQLException(e.getMessage(), e);
        }
      });
    } catch (SQLException e) {
      if (thrown[0] != null) {
        throw thrown[0];
      }
      throw failure(e);
    }
  }

  private IOException failure(SQLException e) {
    return new IOException("message store in " + db.display() + ": " + e.getMessage(), e);
  }

  /** Counts what the driver reads, so that a short stream is reported as such. */
  private static final class Counted extends InputStream {
    private final InputStream in;
    long count;

    Counted(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  /**
   * A blob as a read-only positioned channel: all of it in memory, or one slice at a time fetched with
   * {@code substring(data FROM pos FOR SLICE)} on a pooled connection (held only for that query).
   */
  private final class Slices implements SeekableByteChannel {
    private final long mailboxId;
    private final String key;
    private final long size;
    private byte[] slice;
    private long sliceStart;
    private long position;
    private boolean open = true;

    Slices(long mailboxId, String key, long size, byte[] whole) {
      this.mailboxId = mailboxId;
      this.key = key;
      this.size = size;
      this.slice = whole;
      this.sliceStart = 0;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      if (position >= size) {
        return -1;
      }
      if (slice == null || position < sliceStart || position >= sliceStart + slice.length) {
        fetch(position);
      }
      int at = (int) (position - sliceStart);
      int n = Math.min(dst.remaining(), slice.length - at);
      dst.put(slice, at, n);
      position += n;
      return n;
    }

    private void fetch(long from) throws IOException {
      try (Connection c = db.connection(); PreparedStatement ps = prepare(c,
          "SELECT substring(data FROM ? FOR ?) FROM mail_blob WHERE account=? AND mailbox_id=? AND key=?",
          (int) (from + 1), SLICE, account, mailboxId, key); ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IOException("message " + key + " was expunged while it was being read");
        }
        byte[] got = rs.getBytes(1);
        if (got.length == 0) {
          throw new IOException("message " + key + " is shorter than its " + size + " bytes");
        }
        slice = got;
        sliceStart = from;
      } catch (SQLException e) {
        throw failure(e);
      }
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public SeekableByteChannel position(long p) {
      if (p < 0) {
        throw new IllegalArgumentException("negative position");
      }
      position = p;
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
      slice = null;
    }
  }
}
