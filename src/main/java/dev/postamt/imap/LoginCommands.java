package dev.postamt.imap;

import dev.postamt.directory.DirectoryException;
import dev.postamt.directory.ScramServer;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.LoginLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands that take a session from not authenticated to authenticated: STARTTLS (RFC 9051
 * §6.2.1), LOGIN and AUTHENTICATE with SASL PLAIN, LOGIN and SCRAM-SHA-256, and what goes with every
 * attempt (the login log, the throttle per client address, the count of failures that ends the
 * connection). Apart from {@link ImapSession} because this is the one part of a session that handles
 * passwords, and it is done with once the user is in.
 */
final class LoginCommands {
  /** Logs under {@link ImapSession}, as these lines always have. */
  private static final Logger log = LoggerFactory.getLogger(ImapSession.class);
  /** The protocol name in login log lines. */
  private static final String PROTO = "imap";

  private final ImapSession s;
  /** Failed logins per client address across sessions and protocols; may be null. */
  private final AuthThrottle throttle;
  private int authFailures;
  /** LOGIN or the AUTHENTICATE mechanism of the login under way, for the login log. */
  private String authMethod = "LOGIN";

  LoginCommands(ImapSession s, AuthThrottle throttle) {
    this.s = s;
    this.throttle = throttle;
  }

  /** Whether a password may be sent on this connection: under TLS, or where the settings allow it in the clear. */
  boolean loginAllowed() {
    return s.transport.isTls() || s.settings.plaintextAuth() || (s.settings.loopbackIsSecure() && s.transport.isLoopback());
  }

  void startTls(String tag) throws ImapException, IOException {
    if (s.transport.isTls() || !s.transport.canStartTls()) {
      throw ImapException.bad("TLS is already active or not available");
    }
    s.w.tagged(tag, "OK Begin TLS negotiation now");
    s.transport.startTls();
    s.attachStreams();
  }

  String login(String user, String password) throws ImapException, IOException {
    if (!loginAllowed()) {
      throw ImapException.no("PRIVACYREQUIRED", "Use STARTTLS first");
    }
    authMethod = "LOGIN";
    checkThrottle();
    return loggedIn(user, password.toCharArray());
  }

  String authenticate(Command.Authenticate a) throws ImapException, IOException {
    boolean scram = a.mechanism().equals("SCRAM-SHA-256");
    if (!scram && !a.mechanism().equals("PLAIN") && !a.mechanism().equals("LOGIN")) {
      throw ImapException.no("CANNOT", "Unsupported authentication mechanism");
    }
    if (!loginAllowed()) {
      throw ImapException.no("PRIVACYREQUIRED", "Use STARTTLS first");
    }
    authMethod = a.mechanism();
    checkThrottle();
    String initial = a.initialResponse().isPresent() ? saslDecode(a.initialResponse().get()) : null;
    if (scram) {
      return scram(initial);
    }
    if (a.mechanism().equals("LOGIN")) { // an initial response, where a client sends one, is the user name
      String user = initial != null ? initial : saslChallenge("Username:");
      return loggedIn(user, saslChallenge("Password:").toCharArray());
    }
    // RFC 4616: [authzid] NUL authcid NUL passwd
    String[] parts = (initial != null ? initial : saslChallenge("")).split("\0", -1);
    if (parts.length != 3) {
      throw ImapException.bad("Invalid PLAIN response");
    }
    String authzid = parts[0];
    String user = parts[1];
    if (!authzid.isEmpty() && !authzid.equalsIgnoreCase(user)) {
      throw ImapException.no("AUTHORIZATIONFAILED", "Authorization identity not allowed");
    }
    return loggedIn(user, parts[2].toCharArray());
  }

  /** SCRAM-SHA-256 (RFC 7677); the server signature goes in a last {@code +} that the client answers empty. */
  private String scram(String initial) throws ImapException, IOException {
    ScramServer scram = new ScramServer(s.logins);
    String user;
    try {
      user = scram.exchange(initial, this::saslChallenge);
    } catch (ScramServer.ScramException e) {
      log.info("imap: SCRAM-SHA-256 from {} failed: {}", s.transport.remote(), e.getMessage());
      throw authenticationFailed(scram.claimedUser());
    } catch (DirectoryException e) {
      log.warn("imap authentication backend failed: {}", e.toString());
      throw ImapException.no("UNAVAILABLE", "Authentication temporarily unavailable");
    }
    return enterAuthenticated(user);
  }

  /** RFC 9051 §6.2.2: a {@code +} challenge in base64, answered by one line of base64. */
  private String saslChallenge(String serverMessage) throws ImapException, IOException {
    s.w.continuation(Base64.getEncoder().encodeToString(serverMessage.getBytes(StandardCharsets.UTF_8)));
    byte[] line = s.reader.readLine();
    if (line == null) {
      throw new IOException("connection closed during AUTHENTICATE");
    }
    return saslDecode(new String(line, StandardCharsets.US_ASCII).strip());
  }

  /** A client response: {@code *} cancels and bad base64 is BAD (RFC 9051 §6.2.2); {@code =} is empty. */
  private static String saslDecode(String response) throws ImapException {
    if (response.equals("*")) {
      throw ImapException.bad("Authentication aborted");
    }
    try {
      byte[] decoded = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response);
      return new String(decoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ImapException.bad("Invalid base64");
    }
  }

  private String loggedIn(String user, char[] password) throws ImapException {
    Optional<String> who;
    try {
      who = s.logins.authenticate(user, password);
    } catch (Exception e) {
      log.warn("imap authentication backend failed: {}", e.toString());
      throw ImapException.no("UNAVAILABLE", "Authentication temporarily unavailable");
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
    if (who.isEmpty()) {
      throw authenticationFailed(user);
    }
    return enterAuthenticated(who.get());
  }

  /**
   * Like Postfix's anvil and Dovecot's auth penalty ({@code limits.auth_failures_per_ip}, shared with
   * SMTP AUTH and POP3): an address that failed too often lately is not even asked for a password; the
   * tagged NO is the last word of the connection.
   */
  private void checkThrottle() throws ImapException {
    java.net.InetAddress client = s.transport.remoteAddress();
    if (throttle == null || client == null || throttle.allowed(client)) {
      return;
    }
    s.state = State.LOGOUT;
    LoginLog.failed(PROTO, null, client, authMethod, s.transport.isTls(), "too many failed logins from this address");
    log.info("imap: login from {} refused: too many failed logins from that address", s.transport.remote());
    throw ImapException.no("UNAVAILABLE", "Too many failed logins from your address; try again later");
  }

  /**
   * A failed login of any kind for {@code user} (as the client named it; may be null): delayed, counted
   * for the address and the account, and the connection ends at {@code maxAuthFailures}.
   */
  private ImapException authenticationFailed(String user) {
    java.net.InetAddress client = s.transport.remoteAddress();
    LoginLog.failed(PROTO, user, client, authMethod, s.transport.isTls(), "bad credentials");
    if (throttle != null) {
      throttle.failed(client, user);
    }
    try {
      Thread.sleep(s.settings.authFailureDelay());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (++authFailures >= s.settings.maxAuthFailures()) {
      s.state = State.LOGOUT; // the tagged NO is the last word; the loop then ends the connection
      log.info("imap: {} failed logins from {}, closing", authFailures, s.transport.remote());
    }
    return ImapException.no("AUTHENTICATIONFAILED", "Authentication failed");
  }

  private String enterAuthenticated(String user) throws ImapException {
    s.account = s.store.open(user);
    s.shared = new SharedMailboxes(s.store, user, s.account);
    LoginLog.ok(PROTO, user, s.transport.remoteAddress(), authMethod, s.transport.isTls());
    s.transport.loggedIn(user);
    s.state = State.AUTHENTICATED;
    s.reader.authenticated();
    s.transport.setReadTimeout(s.settings.idleTimeout());
    return "[CAPABILITY " + Capabilities.of(s) + "] Logged in";
  }
}
