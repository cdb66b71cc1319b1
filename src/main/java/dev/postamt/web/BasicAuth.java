package dev.postamt.web;

import dev.postamt.directory.LoginCheck;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.LoginLog;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP Basic authentication (RFC 7617) against the directory: the account password (the directory's
 * verified-login cache spares a hash run per request). The rules are IMAP's: a password travels only
 * under TLS or from this machine ({@code LOGINDISABLED} elsewhere, RFC 3501 §6.2.3), failures count
 * toward the per-address throttle and so the ban list, and every failure is one {@link LoginLog} line
 * for fail2ban. Successes are not logged here: every request authenticates, and the access log names
 * the user.
 */
public final class BasicAuth {
  private static final Logger log = LoggerFactory.getLogger(BasicAuth.class);
  static final String PROTO = "http";
  /** RFC 7617 §2: the realm, and UTF-8 as the charset of user and password. */
  static final String CHALLENGE = "Basic realm=\"postamt\", charset=\"UTF-8\"";

  /** The outcome of one check. */
  public sealed interface Result permits Ok, Refused {}

  /** Authenticated as {@code user} (the canonical address). */
  public record Ok(String user) implements Result {}

  /**
   * Not authenticated: the HTTP status, a sentence for the client, and whether to send a {@code
   * WWW-Authenticate} challenge (only where a password may be sent).
   */
  public record Refused(int status, String message, boolean challenge) implements Result, WebAuth.ApiResult {}

  private final LoginCheck logins;
  private final AuthThrottle throttle;

  /** @param throttle failed logins per address, shared with the other protocols; may be null */
  public BasicAuth(LoginCheck logins, AuthThrottle throttle) {
    this.logins = logins;
    this.throttle = throttle;
  }

  /**
   * Checks an {@code Authorization} header value (null when absent) of a request from {@code client}.
   *
   * @param secure whether the request came over TLS
   */
  public Result check(String authorization, InetAddress client, boolean secure) {
    if (!secure && (client == null || !client.isLoopbackAddress())) {
      return new Refused(403, "passwords are accepted only over https (or from this machine)", false);
    }
    if (throttle != null && client != null && !throttle.allowed(client)) {
      LoginLog.failed(PROTO, null, client, "BASIC", secure, "too many failed logins from this address");
      return new Refused(429, "too many failed logins from your address; try again later", false);
    }
    if (authorization == null || authorization.isBlank()) {
      return new Refused(401, "authentication required", true);
    }
    int sp = authorization.indexOf(' ');
    if (sp < 0 || !authorization.substring(0, sp).equalsIgnoreCase("Basic")) {
      return new Refused(401, "only Basic authentication is offered", true);
    }
    Optional<char[]> decoded = decode(authorization.substring(sp + 1).strip());
    if (decoded.isEmpty()) {
      return failed(client, null, secure, "malformed credentials");
    }
    char[] userPass = decoded.get();
    try {
      int colon = -1;
      for (int i = 0; i < userPass.length; i++) {
        if (userPass[i] == ':') {
          colon = i;
          break;
        }
      }
      if (colon <= 0) {
        return failed(client, null, secure, "malformed credentials");
      }
      String user = new String(userPass, 0, colon);
      char[] password = Arrays.copyOfRange(userPass, colon + 1, userPass.length);
      try {
        Optional<String> who = logins.authenticate(user, password);
        return who.<Result>map(Ok::new).orElseGet(() -> failed(client, user, secure, "bad credentials"));
      } catch (Exception e) {
        log.warn("http: cannot check a password: {}", e.toString());
        return new Refused(503, "the password cannot be checked now; try again later", false);
      } finally {
        Arrays.fill(password, '\0');
      }
    } finally {
      Arrays.fill(userPass, '\0');
    }
  }

  private Result failed(InetAddress client, String user, boolean secure, String reason) {
    LoginLog.failed(PROTO, user, client, "BASIC", secure, reason);
    if (throttle != null) {
      throttle.failed(client, user);
    }
    return new Refused(401, "authentication failed", true);
  }

  /** {@code user:password} from base64 UTF-8 (RFC 7617 §2.1), or empty when it is not that. */
  static Optional<char[]> decode(String b64) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw));
      char[] out = new char[cb.remaining()];
      cb.get(out);
      Arrays.fill(cb.array(), '\0');
      return Optional.of(out);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }
}
