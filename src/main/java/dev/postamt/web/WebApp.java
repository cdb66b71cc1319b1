package dev.postamt.web;

/**
 * One part of the web side mounted under a path prefix of the HTTP listener: the admin console ({@code
 * /admin/}), self-service ({@code /account/}), the webmail ({@code /mail/}). The handler gives it every
 * request whose path starts with {@link #prefix()}, after the ban check and the security headers; the
 * app authenticates through {@link Exchange#requireLogin()} or {@link Exchange#requireAdmin()} and must
 * answer every request it is given.
 */
public interface WebApp {
  /** The path prefix, starting and ending with {@code /}, e.g. {@code /admin/}. */
  String prefix();

  /** Answers one request. An exception becomes a plain 500 page (the details go to the log only). */
  void handle(Exchange x) throws Exception;
}
