package dev.postamt.web;

import dev.postamt.directory.AccountSecurity;
import dev.postamt.directory.Directory;
import dev.postamt.directory.Totp;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.LoginLog;
import dev.postamt.web.session.WebSessions;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who a request comes from, three ways: the session cookie of a browser login ({@link #session}),
 * and for the API an {@code Authorization} header with a bearer token or HTTP Basic ({@link #api}).
 * Disabled accounts are refused on every request, not only at login; roles are read per request, so a
 * change takes effect at once.
 *
 * <p>The browser login ({@link #login}) takes the account password only, never an app password, and
 * the TOTP code when the account has a second factor; failures count toward the same throttle and ban
 * list as IMAP's and are logged as {@code http} login failures for fail2ban.
 */
public final class WebAuth {
  /** The session cookie's name. */
  public static final String COOKIE = "postamt_session";

  private final Directory directory;
  private final WebSessions sessions;
  private final CookieSigner signer;
  private final BasicAuth basic;
  private final AuthThrottle throttle;

  WebAuth(Directory directory, WebSessions sessions, CookieSigner signer, BasicAuth basic, AuthThrottle throttle) {
    this.directory = directory;
    this.sessions = sessions;
    this.signer = signer;
    this.basic = basic;
    this.throttle = throttle;
  }

  WebSessions sessions() {
    return sessions;
  }

  /** The principal of the request's session cookie, when it carries a live session of an enabled account. */
  /** The session cookie's value, or null when the request has none. */
  private static String sessionCookie(Request request) {
    String value = null;
    for (HttpCookie c : Request.getCookies(request)) {
      if (c.getName().equals(COOKIE)) {
        value = c.getValue();
      }
    }
    return value;
  }

  Optional<Principal> session(Request request) throws IOException {
    if (sessions == null) {
      return Optional.empty();
    }
    Optional<String> id = signer.verify(sessionCookie(request));
    if (id.isEmpty()) {
      return Optional.empty();
    }
    Optional<WebSessions.Session> s = sessions.find(id.get());
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Optional<AccountSecurity.Roles> roles = enabledRoles(s.get().address());
    if (roles.isEmpty()) {
      sessions.delete(id.get());
      return Optional.empty();
    }
    return Optional.of(new Principal(s.get().address(), roles.get(), s.get()));
  }

  /** The roles of an enabled account; empty for a disabled or deleted one. */
  private Optional<AccountSecurity.Roles> enabledRoles(String address) throws IOException {
    if (directory == null) {
      return Optional.of(AccountSecurity.Roles.USER);
    }
    try {
      if (!directory.userExists(address) || directory.security().disabled(address)) {
        return Optional.empty();
      }
      return Optional.of(directory.security().roles(address));
    } catch (dev.postamt.directory.DirectoryException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** How an API request authenticated: a principal, or the refusal to send. */
  sealed interface ApiResult permits ApiOk, BasicAuth.Refused {}

  record ApiOk(Principal principal) implements ApiResult {}

  /**
   * Authenticates an API request: {@code Authorization: Bearer} (a token), {@code Basic} (password or
   * app password), or else the session cookie — for which a POST must carry the session's CSRF token
   * in {@code X-CSRF-Token}.
   */
  ApiResult api(Request request, InetAddress client) throws IOException {
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      if (throttle != null && client != null && !throttle.allowed(client)) {
        return new BasicAuth.Refused(429, "too many failed logins from your address; try again later", false);
      }
      Optional<String> owner = sessions == null ? Optional.empty() : sessions.tokenOwner(authorization.substring(7).strip());
      Optional<AccountSecurity.Roles> roles = owner.isEmpty() ? Optional.empty() : enabledRoles(owner.get());
      if (roles.isEmpty()) {
        LoginLog.failed(BasicAuth.PROTO, owner.orElse(null), client, "BEARER", request.isSecure(), "unknown or expired token");
        if (throttle != null) {
          throttle.failed(client, null);
        }
        return new BasicAuth.Refused(401, "the token is unknown, revoked or expired", false);
      }
      return new ApiOk(new Principal(owner.get(), roles.get(), null));
    }
    if (authorization == null) {
      Optional<Principal> p = session(request);
      if (p.isPresent()) {
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")
            && !p.get().csrf().equals(request.getHeaders().get("X-CSRF-Token"))) {
          return new BasicAuth.Refused(403, "the request lacks this session's CSRF token (X-CSRF-Token)", false);
        }
        return new ApiOk(p.get());
      }
      // A browser page whose session has ended (it sends the CSRF token, or the cookie is still there): a 401
      // without a Basic challenge, which would make the browser ask for a password in a box of its own
      // while the page's request hangs; the page goes to the login instead.
      if (request.getHeaders().get("X-CSRF-Token") != null || sessionCookie(request) != null) {
        return new BasicAuth.Refused(401, "your session has ended: log in again", false);
      }
    }
    BasicAuth.Result r = basic.check(authorization, client, request.isSecure());
    if (r instanceof BasicAuth.Ok ok) {
      Optional<AccountSecurity.Roles> roles = enabledRoles(ok.user());
      return roles.<ApiResult>map(x -> new ApiOk(new Principal(ok.user(), x, null)))
          .orElseGet(() -> new BasicAuth.Refused(401, "authentication failed", true));
    }
    return (BasicAuth.Refused) r;
  }

  /** The outcome of a browser login. */
  sealed interface LoginResult permits LoggedIn, LoginRefused {}

  record LoggedIn(WebSessions.Session session, String cookie) implements LoginResult {}

  /** @param status 401, 403 or 429; {@code message} is for the login page */
  record LoginRefused(int status, String message) implements LoginResult {}

  /** Checks a login form and starts a session. */
  LoginResult login(String user, char[] password, String code, InetAddress client, boolean secure) throws IOException {
    if (!secure && (client == null || !client.isLoopbackAddress())) {
      return new LoginRefused(403, "Passwords are accepted only over https (or from this machine).");
    }
    if (throttle != null && client != null && !throttle.allowed(client)) {
      LoginLog.failed(BasicAuth.PROTO, user, client, "WEB", secure, "too many failed logins from this address");
      return new LoginRefused(429, "Too many failed logins from your address; try again later.");
    }
    if (directory == null || sessions == null) {
      return new LoginRefused(403, "Logging in to the web is not available on this server.");
    }
    Optional<String> who;
    try {
      who = directory.authenticateAccount(user, password);
      if (who.isPresent()) {
        Optional<String> secret = directory.security().totpSecret(who.get());
        if (secret.isPresent() && !Totp.verify(secret.get(), code, Instant.now())) {
          return failed(user, client, secure, code == null || code.isBlank()
              ? "this account needs the code from its authenticator app" : "wrong authenticator code");
        }
      }
    } catch (dev.postamt.directory.DirectoryException e) {
      return new LoginRefused(503, "The password cannot be checked now; try again later.");
    }
    if (who.isEmpty()) {
      return failed(user, client, secure, "bad credentials");
    }
    LoginLog.ok(BasicAuth.PROTO, who.get(), client, "WEB", secure);
    WebSessions.Session s = sessions.create(who.get());
    return new LoggedIn(s, cookie(signer.sign(s.id()), secure, -1));
  }

  private LoginResult failed(String user, InetAddress client, boolean secure, String reason) {
    LoginLog.failed(BasicAuth.PROTO, user, client, "WEB", secure, reason);
    if (throttle != null) {
      throttle.failed(client, user);
    }
    return new LoginRefused(401, reason.startsWith("this account") ? "Enter the code from your authenticator app."
        : "The address, password or code is wrong.");
  }

  /** Ends the request's session, if any. */
  void logout(Request request) throws IOException {
    Optional<Principal> p = session(request);
    if (p.isPresent()) {
      sessions.delete(p.get().session().id());
    }
  }

  /** The Set-Cookie value that removes the session cookie. */
  static String clearCookie(boolean secure) {
    return cookie("", secure, 0);
  }

  /** HttpOnly, SameSite=Strict, Path=/, Secure over https; a browser-session cookie unless {@code maxAge} is 0. */
  private static String cookie(String value, boolean secure, long maxAge) {
    return COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
        + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
  }
}
