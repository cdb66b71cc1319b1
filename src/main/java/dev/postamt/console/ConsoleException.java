package dev.postamt.console;

/**
 * A request the console refuses before (or instead of) calling the admin service: a page or id the
 * administrator may not see (403, or 404 so that an id from another domain looks like an unknown one),
 * or a form field that is not valid (400, shown next to {@link #field}).
 */
final class ConsoleException extends RuntimeException {
  final int status;
  final String field;

  private ConsoleException(int status, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  static ConsoleException notFound(String message) {
    return new ConsoleException(404, null, message);
  }

  static ConsoleException forbidden(String message) {
    return new ConsoleException(403, null, message);
  }

  /** A bad value in form field {@code field}. */
  static ConsoleException invalid(String field, String message) {
    return new ConsoleException(400, field, message);
  }
}
