package dev.postamt.web;

import dev.postamt.directory.AccountSecurity;
import dev.postamt.web.session.WebSessions;
import java.util.Objects;

/**
 * Who made a request: the canonical address, the administrator role, and the browser session when the
 * request came with the session cookie (null for HTTP Basic and bearer tokens, which need no CSRF
 * token because a browser never sends them on its own for a forged form).
 */
public record Principal(String address, AccountSecurity.Roles roles, WebSessions.Session session) {
  public Principal {
    Objects.requireNonNull(address);
    Objects.requireNonNull(roles);
  }

  /** Whether the principal administers anything (all domains or some). */
  public boolean admin() {
    return roles.administers();
  }

  /** The domain part of the address. */
  public String domain() {
    return address.substring(address.lastIndexOf('@') + 1);
  }

  /** The session's CSRF token, or empty outside a browser session. */
  public String csrf() {
    return session == null ? "" : session.csrf();
  }
}
