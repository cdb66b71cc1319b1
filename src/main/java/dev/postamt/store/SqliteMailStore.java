package dev.postamt.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The default {@link MailStore}: Maildir++ files plus a SQLite index per user ({@code
 * mail/<domain>/<localpart>/index.db}, {@link SqliteMailIndex}), for one machine.
 */
public final class SqliteMailStore extends MaildirMailStore {
  /** A store without quotas (tools, tests). */
  public SqliteMailStore(Path dataDir) {
    this(dataDir, Quota.Policy.NONE);
  }

  /** @param quotas each user's limits; APPEND and COPY are refused beyond them */
  public SqliteMailStore(Path dataDir, Quota.Policy quotas) {
    this(dataDir, quotas, 0, UnaryOperator.identity());
  }

  /**
   * @param reserveBytes disk space kept back so that mail can be deleted on a full disk (see {@link
   *     DiskReserve}); 0 for none (tools)
   * @param blobs wraps each user's Maildir blob store (tests inject failures here)
   */
  SqliteMailStore(Path dataDir, Quota.Policy quotas, long reserveBytes, UnaryOperator<BlobStore> blobs) {
    super(dataDir, quotas, reserveBytes, blobs);
  }

  SqliteMailStore(Path dataDir, Path mailRoot, Quota.Policy quotas, long reserveBytes, UnaryOperator<BlobStore> blobs) {
    super(dataDir, mailRoot, quotas, reserveBytes, blobs);
  }

  /** The server's store: with the default space reserve. */
  public static SqliteMailStore forServer(Path dataDir, Quota.Policy quotas) {
    return new SqliteMailStore(dataDir, quotas, DiskReserve.DEFAULT_BYTES, UnaryOperator.identity());
  }

  @Override
  MailIndex openIndex(String user, Path home) throws SQLException {
    return new SqliteMailIndex(home.resolve("index.db"));
  }

  @Override
  MailIndex.Readers readers(String user, Path home) {
    return new ReadConnections(home.resolve("index.db"));
  }

  /** The usage row of the index file, plus nothing else: the caller adds what waits in {@code new/}. */
  @Override
  Optional<Quota.Usage> peekUsage(String user) {
    return SqliteMailIndex.peekUsage(MailboxLayout.indexIn(mailRoot(), user));
  }
}
