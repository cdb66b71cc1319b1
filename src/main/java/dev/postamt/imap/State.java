package dev.postamt.imap;

/** Session states of RFC 3501 §3 / RFC 9051 §3. */
public enum State {
  NOT_AUTHENTICATED,
  AUTHENTICATED,
  SELECTED,
  LOGOUT
}
