package dev.postamt.pop3;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The POP3 command table: every verb we answer, with the states it is allowed in (RFC 1939 §3–§7, CAPA
 * from RFC 2449, STLS from RFC 2595, AUTH from RFC 5034). A verb used in the wrong state gets a
 * {@code -ERR} naming the state; anything not in the table is an unknown command.
 */
enum Pop3Command {
  CAPA(EnumSet.of(State.AUTHORIZATION, State.TRANSACTION)),
  STLS(EnumSet.of(State.AUTHORIZATION)),
  USER(EnumSet.of(State.AUTHORIZATION)),
  PASS(EnumSet.of(State.AUTHORIZATION)),
  AUTH(EnumSet.of(State.AUTHORIZATION)),
  /** Known so that it gets a precise refusal: APOP needs reversible passwords, which we never keep. */
  APOP(EnumSet.of(State.AUTHORIZATION)),
  QUIT(EnumSet.of(State.AUTHORIZATION, State.TRANSACTION)),
  STAT(EnumSet.of(State.TRANSACTION)),
  LIST(EnumSet.of(State.TRANSACTION)),
  RETR(EnumSet.of(State.TRANSACTION)),
  DELE(EnumSet.of(State.TRANSACTION)),
  NOOP(EnumSet.of(State.TRANSACTION)),
  RSET(EnumSet.of(State.TRANSACTION)),
  TOP(EnumSet.of(State.TRANSACTION)),
  UIDL(EnumSet.of(State.TRANSACTION));

  /** RFC 1939 §3: the session's states; UPDATE is entered only by QUIT and ends the session. */
  enum State {
    AUTHORIZATION,
    TRANSACTION,
    UPDATE
  }

  final Set<State> states;

  Pop3Command(Set<State> states) {
    this.states = states;
  }

  /** The command for a keyword (case-insensitive, RFC 1939 §3), or null when unknown. */
  static Pop3Command of(String keyword) {
    if (keyword.isEmpty() || keyword.length() > 4) {
      return null;
    }
    try {
      return valueOf(keyword.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
