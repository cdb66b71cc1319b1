package dev.postamt.admin;

/**
 * Why an administrative operation did not happen, as one line a person can act on ("user
 * a@example.org does not exist"). The CLI prints it after {@code postamt: } and exits 1; the web
 * console shows it next to the form. Never carries a stack trace worth showing: server faults are
 * reported by what they say, the cause is kept for a debug print.
 */
public final class AdminException extends RuntimeException {
  public AdminException(String message) {
    super(message);
  }

  public AdminException(String message, Throwable cause) {
    super(message, cause);
  }

  /** An I/O fault as the operation's message: its own text, or its kind when it has none. */
  static AdminException of(Exception e) {
    String m = e.getMessage();
    return new AdminException(m == null || m.isBlank() ? e.getClass().getSimpleName() : m, e);
  }
}
