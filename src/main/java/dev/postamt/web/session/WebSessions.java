package dev.postamt.web.session;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The web's logins: browser sessions (behind a signed cookie) and API bearer tokens. The one owner of
 * that state; an SQLite implementation ({@link SqliteWebSessions}) is the default, PostgreSQL comes
 * with scale-out. Only hashes of session ids and tokens are stored: a copy of the database logs no one
 * in. Addresses are canonical user addresses.
 */
public interface WebSessions extends AutoCloseable {
  /** How long a session lasts without a request, and at most after its login. */
  java.time.Duration IDLE = java.time.Duration.ofHours(12);
  java.time.Duration MAX_AGE = java.time.Duration.ofDays(7);

  /**
   * The sessions {@code config} names: PostgreSQL when {@code [database] url} is set (a login is then valid
   * on every node), else {@code data_dir/web/sessions.db}.
   */
  static WebSessions open(dev.postamt.config.Config config) throws IOException {
    if (config.database().postgres().isPresent()) {
      try {
        return new PgWebSessions(dev.postamt.postgres.PgDatabase.of(config.database()), IDLE, MAX_AGE);
      } catch (dev.postamt.postgres.PgDatabase.Failure e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return new SqliteWebSessions(config.dataDir().resolve("web").resolve("sessions.db"), IDLE, MAX_AGE);
  }

  /**
   * One browser session.
   *
   * @param id the secret id (only in the cookie; the store keeps its hash)
   * @param csrf the token every state-changing request of this session must carry
   */
  record Session(String id, String address, String csrf, Instant created, Instant expires) {}

  /** One bearer token as listed: never the secret. */
  record Token(String id, String address, String name, Instant created, Instant lastUsed, Instant expires) {}

  /** A new token and its secret, shown this once. */
  record NewToken(Token token, String secret) {}

  /** Starts a session for {@code address}. */
  Session create(String address) throws IOException;

  /** The live session with this id (its idle expiry pushed on), or empty. */
  Optional<Session> find(String id) throws IOException;

  /** Ends one session. */
  void delete(String id) throws IOException;

  /** Ends every session of {@code address} (password changed, account disabled, {@code kick}); how many. */
  int deleteAll(String address) throws IOException;

  /** Ends every session of {@code address} except the one with id {@code keepId} (the password was changed in it); how many. */
  int deleteOthers(String address, String keepId) throws IOException;

  /** The user's live sessions (ids left empty). */
  List<Session> sessions(String address) throws IOException;

  /** Creates a bearer token for the API ({@code Authorization: Bearer}), valid until {@code expires} (null: no end). */
  NewToken createToken(String address, String name, Instant expires) throws IOException;

  /** The address a live token belongs to (recording it as used), or empty. */
  Optional<String> tokenOwner(String secret) throws IOException;

  List<Token> tokens(String address) throws IOException;

  /** Revokes one of the user's tokens; false when the user has none with that id. */
  boolean revokeToken(String address, String id) throws IOException;

  @Override
  void close();
}
