package dev.postamt.pop3;

import dev.postamt.config.Config;
import dev.postamt.postgres.PgDatabase;
import java.nio.file.Path;
import java.util.Optional;

/**
 * RFC 1939 §4: "the POP3 server then acquires an exclusive-access lock on the maildrop". Where that lock
 * lives: in this process ({@link #LOCAL}, {@link MaildropLock}; the default), or, when several nodes share
 * one database ({@code [database] url = "postgresql://…"}), also in PostgreSQL ({@link PgMaildropLocks}), so
 * that a second node's login for the same user gets {@code -ERR [IN-USE]} just as a second session on one
 * node does.
 */
interface MaildropLocks {
  /** A lock one session holds; {@link #close} gives it back (more than once is harmless). */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes the lock of {@code user}'s maildrop (at {@code home}) for the calling session thread.
   *
   * @return empty when another session, on this node or another, holds it
   * @throws Pop3Exception {@code [SYS/TEMP]} when the shared lock cannot be asked for (the database is
   *     unreachable): better no session than two
   */
  Optional<Held> tryLock(String user, Path home) throws Pop3Exception;

  /** The lock of one process ({@link MaildropLock}). */
  MaildropLocks LOCAL = (user, home) -> {
    if (!MaildropLock.tryLock(home)) {
      return Optional.empty();
    }
    return Optional.of(new Held() {
      @Override
      public void close() {
        MaildropLock.unlock(home);
      }
    });
  };

  /** The locks {@code config} asks for: shared through PostgreSQL when {@code [database] url} is set, else {@link #LOCAL}. */
  static MaildropLocks of(Config config) {
    if (config.database().postgres().isEmpty()) {
      return LOCAL;
    }
    return PgMaildropLocks.of(PgDatabase.of(config.database()));
  }
}
