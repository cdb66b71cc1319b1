package dev.postamt.store;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayDeque;

/**
 * Read-only connections to one account's SQLite index, lent to one thread at a time, so that sessions of a
 * user read (SELECT, FETCH flags, STATUS, LIST) side by side and do not wait for each other or for a
 * writer: in WAL mode each read sees the last committed state. Connections are opened on demand, so
 * an account with one session has one (a SQLite connection costs three file descriptors and its page
 * cache, and a server may have thousands of accounts open); up to {@link #KEPT} are kept for accounts
 * read by several sessions at once, more are closed when given back.
 */
final class ReadConnections implements MailIndex.Readers {
  static final int KEPT = 4;

  @FunctionalInterface
  interface Read<T> {
    T run(MailIndex index) throws SQLException;
  }

  private final Path file;
  private final ArrayDeque<MailIndex> idle = new ArrayDeque<>();
  private boolean closed;

  ReadConnections(Path file) {
    this.file = file;
  }

  @Override
  public <T> T read(Read<T> body) throws SQLException {
    MailIndex r = borrow();
    boolean healthy = false;
    try {
      T t = body.run(r);
      healthy = true;
      return t;
    } finally {
      giveBack(r, healthy);
    }
  }

  private MailIndex borrow() throws SQLException {
    synchronized (idle) {
      MailIndex r = idle.poll();
      if (r != null) {
        return r;
      }
    }
    return SqliteMailIndex.reader(file);
  }

  private void giveBack(MailIndex r, boolean healthy) {
    synchronized (idle) {
      if (healthy && !closed && idle.size() < KEPT) {
        idle.push(r);
        return;
      }
    }
    r.close();
  }

  @Override
  public void close() {
    synchronized (idle) {
      closed = true;
      idle.forEach(MailIndex::close);
      idle.clear();
    }
  }
}
