package dev.postamt.pop3;

/**
 * Extended response codes (RFC 2449 §8, RFC 3206) a {@code -ERR} may carry in brackets, so that a client
 * can tell "wrong password" from "mailbox busy" from "server trouble" without parsing text.
 */
enum RespCode {
  /** RFC 2449 §8.1.2: the maildrop is locked by another session. */
  IN_USE("IN-USE"),
  /** RFC 3206 §4: the credentials (or the way they were offered) are the problem. */
  AUTH("AUTH"),
  /** RFC 3206 §5: a temporary server problem; retrying later may work. */
  SYS_TEMP("SYS/TEMP"),
  /** RFC 3206 §5: a permanent server problem. */
  SYS_PERM("SYS/PERM");

  final String wire;

  RespCode(String wire) {
    this.wire = wire;
  }
}
