package dev.postamt.pop3;

import dev.postamt.directory.DirectoryException;
import dev.postamt.directory.ScramServer;
import dev.postamt.net.Connection;
import dev.postamt.net.LineReader;
import dev.postamt.net.LoginLog;
import dev.postamt.pop3.Pop3Command.State;
import dev.postamt.store.StoreException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 conversation (RFC 1939) from greeting to sign-off, on its own virtual thread. State is
 * explicit ({@link State}); each line is looked up in the {@link Pop3Command} table, checked against
 * the state and run; a failure is a {@link Pop3Exception} caught in one place, which writes its {@code
 * -ERR} and counts bad commands. The session ends on QUIT, end of stream, the idle timer, too many bad
 * commands or failed logins — each time with a reply saying why, where the connection still allows one.
 */
final class Pop3Session {
  private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);
  /** The protocol name in login log lines. */
  private static final String PROTO = "pop3";
  /** USER (USER/PASS) or the AUTH mechanism of the login under way, for the login log. */
  private String authMethod = "USER";

  private final Pop3Server server;
  private final Pop3Settings settings;
  private final Connection conn;
  private final LineReader lines;
  private final OutputStream out;
  private final String clientIp;
  private final InetAddress clientAddress;

  private State state = State.AUTHORIZATION;
  private boolean hangUp;
  private String pendingUser; // after USER, until PASS
  private Maildrop drop;
  private int badCommands;
  private int authFailures;

  Pop3Session(Pop3Server server, Connection conn) {
    this.server = server;
    this.settings = server.settings;
    this.conn = conn;
    // Connection's streams are stable across STLS, and LineReader reads nothing beyond the current line.
    this.lines = new LineReader(conn.in(), settings.maxLine());
    this.out = conn.out();
    this.clientAddress = conn.remote().getAddress();
    this.clientIp = clientAddress.getHostAddress();
  }

  void run() throws IOException {
    conn.setReadTimeout(settings.idleTimeout());
    conn.setLineDeadline(settings.commandDeadline());
    // RFC 1939 §4 greeting; no APOP timestamp, since APOP is not offered.
    ok(settings.hostname() + " Postamt POP3 server ready");
    flush();
    try {
      while (state != State.UPDATE && !hangUp) {
        try {
          byte[] raw = lines.readLine();
          if (raw == null) {
            return; // client went away; RFC 1939 §6: no UPDATE without QUIT
          }
          command(new String(raw, StandardCharsets.UTF_8));
        } catch (LineReader.LineTooLongException e) {
          fail(Pop3Exception.bad("Line too long (limit " + settings.maxLine() + " octets)"));
        } catch (Pop3Exception e) {
          fail(e);
        } catch (RuntimeException e) {
          // A store or programming error ends this command, not the connection.
          log.warn("pop3 {} {}: command failed: {}", clientIp, user(), e.toString(), e);
          fail(Pop3Exception.refused(RespCode.SYS_TEMP, "Internal error, try again later"));
        }
        if (conn.in().available() == 0) {
          flush(); // RFC 2449 §6.6 PIPELINING: answer a batch of commands when the client waits
        }
      }
    } catch (SocketTimeoutException e) {
      line(e instanceof dev.postamt.net.LineDeadlineException
          ? "-ERR Command not received in time" : "-ERR Autologout; idle for too long");
      flush();
    } catch (EOFException e) {
      log.debug("pop3 {}: connection lost: {}", clientIp, e.getMessage());
    } finally {
      if (drop != null) {
        drop.close();
        drop = null;
      }
      try {
        flush();
      } catch (IOException ignored) {
        // peer gone
      }
    }
  }

  /** Writes a failure and counts it; too many bad commands end the session. */
  private void fail(Pop3Exception e) throws IOException {
    line(e.reply());
    if (e.badCommand() && ++badCommands >= settings.maxBadCommands()) {
      line("-ERR Too many bad commands; closing connection");
      hangUp = true;
    }
  }

  private void command(String line) throws IOException, Pop3Exception {
    int sp = line.indexOf(' ');
    String keyword = sp < 0 ? line : line.substring(0, sp);
    String rest = sp < 0 ? "" : line.substring(sp + 1);
    if (keyword.isEmpty()) {
      throw Pop3Exception.bad("Empty command");
    }
    Pop3Command cmd = Pop3Command.of(keyword);
    if (cmd == null) {
      throw Pop3Exception.bad("Unknown command: " + printable(keyword));
    }
    if (!cmd.states.contains(state)) {
      throw Pop3Exception.bad(cmd + " is not allowed " + (state == State.AUTHORIZATION ? "before" : "after") + " login");
    }
    // PASS keeps its argument whole: RFC 1939 §7 lets a password contain spaces.
    List<String> args = cmd == Pop3Command.PASS ? List.of(rest) : words(rest);
    switch (cmd) {
      case CAPA -> capa(args);
      case STLS -> stls(args);
      case USER -> user(args);
      case PASS -> pass(rest);
      case AUTH -> auth(args);
      case APOP -> throw Pop3Exception.refused(RespCode.AUTH, "APOP is not supported; use USER/PASS or AUTH PLAIN over TLS");
      case QUIT -> quit(args);
      case STAT -> {
        arity(cmd, args, 0, 0);
        ok(drop.present().size() + " " + drop.presentSize());
      }
      case LIST -> list(args);
      case UIDL -> uidl(args);
      case RETR -> retr(args);
      case TOP -> top(args);
      case DELE -> {
        arity(cmd, args, 1, 1);
        Maildrop.Message m = drop.get(args.getFirst());
        drop.delete(m);
        ok("Message " + m.number() + " deleted");
      }
      case NOOP -> {
        arity(cmd, args, 0, 0);
        ok(null);
      }
      case RSET -> {
        arity(cmd, args, 0, 0);
        drop.reset();
        ok("Maildrop has " + drop.present().size() + " messages (" + drop.presentSize() + " octets)");
      }
    }
  }

  // ---- AUTHORIZATION state: CAPA, STLS, USER/PASS, AUTH ------------------------------------------------

  /** RFC 2449 §5; USER and SASL appear only where authentication is allowed (RFC 2595 §4). */
  private void capa(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.CAPA, args, 0, 0);
    List<String> caps = new ArrayList<>(List.of("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
    if (state == State.AUTHORIZATION) {
      if (conn.canStartTls()) {
        caps.add("STLS");
      }
      if (authAllowed()) {
        caps.add("USER");
        caps.add("SASL SCRAM-SHA-256 PLAIN LOGIN");
      }
    }
    caps.add("IMPLEMENTATION Postamt");
    ok("Capability list follows");
    for (String c : caps) {
      line(c);
    }
    line(".");
  }

  /** RFC 2595 §4: after "+OK" the TLS handshake; plaintext pipelined behind STLS is discarded. */
  private void stls(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.STLS, args, 0, 0);
    if (conn.isTls()) {
      throw Pop3Exception.bad("Command not permitted when TLS active");
    }
    if (!conn.canStartTls()) {
      throw Pop3Exception.refused(RespCode.SYS_PERM, "TLS is not available");
    }
    ok("Begin TLS negotiation");
    flush();
    conn.startTls();
    pendingUser = null; // nothing learnt before TLS is trusted after it
  }

  /** Under TLS, or from this machine (the one rule IMAP has too), or when a test allows plaintext. */
  private boolean authAllowed() {
    return conn.isTls() || settings.plaintextAuth() || (settings.loopbackIsSecure() && isLoopback());
  }

  private boolean isLoopback() {
    return conn.remote() != null && conn.remote().getAddress() != null && conn.remote().getAddress().isLoopbackAddress();
  }

  private void requireTls() throws Pop3Exception {
    if (!authAllowed()) {
      throw Pop3Exception.refused(RespCode.AUTH, "Plaintext authentication is disallowed without TLS; use STLS first");
    }
  }

  private void user(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.USER, args, 1, 1);
    requireTls();
    // Always "+OK": whether a user exists is not told to someone who has not proven anything yet.
    pendingUser = args.getFirst();
    ok("Send the password");
  }

  private void pass(String password) throws IOException, Pop3Exception {
    requireTls();
    if (pendingUser == null) {
      throw Pop3Exception.bad("Send USER first");
    }
    if (password.isEmpty()) {
      throw Pop3Exception.bad("PASS needs a password");
    }
    String u = pendingUser;
    pendingUser = null;
    authMethod = "USER";
    login(u, password.toCharArray());
  }

  /**
   * RFC 5034 AUTH with SCRAM-SHA-256, PLAIN or LOGIN (draft-murchison-sasl-login, for older clients; like
   * PLAIN only where authentication is allowed at all); a bare AUTH lists the mechanisms, as many clients
   * ask.
   */
  private void auth(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.AUTH, args, 0, 2);
    requireTls();
    if (args.isEmpty()) {
      ok("Supported mechanisms follow");
      line("SCRAM-SHA-256");
      line("PLAIN");
      line("LOGIN");
      line(".");
      return;
    }
    String mechanism = args.getFirst().toUpperCase(Locale.ROOT);
    if (!mechanism.equals("PLAIN") && !mechanism.equals("SCRAM-SHA-256") && !mechanism.equals("LOGIN")) {
      throw Pop3Exception.refused("Unsupported authentication mechanism: " + printable(args.getFirst()));
    }
    authMethod = mechanism;
    String initial = args.size() == 2 ? saslDecode(args.get(1)) : null;
    if (mechanism.equals("SCRAM-SHA-256")) {
      scram(initial);
      return;
    }
    if (mechanism.equals("LOGIN")) {
      // an initial response, where a client sends one, is the user name
      String user = initial != null ? initial : saslChallenge("Username:");
      String password = saslChallenge("Password:");
      if (user.isEmpty()) {
        throw Pop3Exception.bad("Malformed LOGIN response");
      }
      login(user, password.toCharArray());
      return;
    }
    // RFC 4616: [authzid] NUL authcid NUL passwd
    String[] parts = (initial != null ? initial : saslChallenge("")).split("\0", -1);
    if (parts.length != 3 || parts[1].isEmpty()) {
      throw Pop3Exception.bad("Malformed PLAIN response");
    }
    if (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1])) {
      authFailed("Authorization identity not allowed", parts[1]);
      return;
    }
    login(parts[1], parts[2].toCharArray());
  }

  /** SCRAM-SHA-256 (RFC 7677); the server signature goes in a last {@code +} that the client answers empty. */
  private void scram(String initial) throws IOException, Pop3Exception {
    if (throttled()) {
      return;
    }
    ScramServer scram = new ScramServer(server.logins);
    String user;
    try {
      user = scram.exchange(initial, this::saslChallenge);
    } catch (ScramServer.ScramException e) {
      log.info("pop3 {}: SCRAM-SHA-256 failed: {}", clientIp, e.getMessage());
      authFailed("Authentication failed", scram.claimedUser());
      return;
    } catch (DirectoryException e) {
      log.warn("pop3 {}: authentication backend failed: {}", clientIp, e.toString());
      throw Pop3Exception.refused(RespCode.SYS_TEMP, "Authentication temporarily unavailable");
    }
    enterTransaction(user);
  }

  /** RFC 5034 §4: a {@code +} challenge in base64, answered by one line. */
  private String saslChallenge(String serverMessage) throws IOException, Pop3Exception {
    line("+ " + Base64.getEncoder().encodeToString(serverMessage.getBytes(StandardCharsets.UTF_8)));
    flush();
    byte[] raw = lines.readLine();
    if (raw == null) {
      throw new EOFException("connection closed during AUTH");
    }
    return saslDecode(new String(raw, StandardCharsets.US_ASCII).strip());
  }

  /** A client response: {@code *} cancels (RFC 5034 §4), {@code =} is empty, bad base64 is an error. */
  private static String saslDecode(String response) throws Pop3Exception {
    if (response.equals("*")) {
      throw Pop3Exception.refused("Authentication cancelled");
    }
    try {
      byte[] decoded = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response);
      return new String(decoded, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Pop3Exception.bad("Invalid base64 in AUTH response");
    }
  }

  /** Checks the password, locks the maildrop and enters TRANSACTION; stays in AUTHORIZATION on failure. */
  private void login(String user, char[] password) throws IOException, Pop3Exception {
    if (throttled()) {
      java.util.Arrays.fill(password, '\0');
      return;
    }
    Optional<String> who;
    try {
      who = server.logins.authenticate(user, password);
    } catch (Exception e) {
      log.warn("pop3 {}: authentication backend failed: {}", clientIp, e.toString());
      throw Pop3Exception.refused(RespCode.SYS_TEMP, "Authentication temporarily unavailable");
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
    if (who.isEmpty()) {
      log.info("pop3 {}: authentication failed for {}", clientIp, printable(user));
      authFailed("Authentication failed", user);
      return;
    }
    enterTransaction(who.get());
  }

  /** Like Postfix's anvil: an address that failed too often lately is not even asked for more. */
  private boolean throttled() throws IOException {
    if (server.throttle.allowed(clientAddress)) {
      return false;
    }
    LoginLog.failed(PROTO, null, clientAddress, authMethod, conn.isTls(), "too many failed logins from this address");
    line("-ERR [AUTH] Too many failed logins from " + clientIp + "; try again later");
    hangUp = true;
    return true;
  }

  private void enterTransaction(String user) throws IOException, Pop3Exception {
    try {
      drop = Maildrop.open(server.store, user, server.locks);
    } catch (StoreException e) {
      log.warn("pop3 {}: cannot open the maildrop of {}: {}", clientIp, user, e.getMessage(), e);
      throw Pop3Exception.refused(RespCode.SYS_TEMP, "Cannot open the mailbox, try again later");
    }
    state = State.TRANSACTION;
    LoginLog.ok(PROTO, user, clientAddress, authMethod, conn.isTls());
    conn.loggedIn(user);
    log.info("pop3 {}: {} logged in{}, {} messages", clientIp, user, conn.isTls() ? " (TLS)" : "", drop.count());
    ok("Logged in, " + drop.count() + " message" + (drop.count() == 1 ? "" : "s") + " (" + drop.presentSize() + " octets)");
  }

  /**
   * A failed login: delayed, counted, and answered with {@code -ERR [AUTH]} (RFC 3206 §4); at the limit
   * the reply says so and the session ends, otherwise this throws.
   */
  private void authFailed(String text, String user) throws IOException, Pop3Exception {
    LoginLog.failed(PROTO, user, clientAddress, authMethod, conn.isTls(),
        text.startsWith("Authorization") ? "authorization identity not allowed" : "bad credentials");
    server.throttle.failed(clientAddress, user);
    if (!settings.authFailureDelay().isZero()) {
      try {
        Thread.sleep(settings.authFailureDelay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (++authFailures >= settings.maxAuthFailures()) {
      line("-ERR [AUTH] " + text + "; too many failures, closing connection");
      hangUp = true;
      return;
    }
    throw Pop3Exception.refused(RespCode.AUTH, text);
  }

  // ---- TRANSACTION state --------------------------------------------------------------------------------

  private void list(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.LIST, args, 0, 1);
    if (args.size() == 1) {
      Maildrop.Message m = drop.get(args.getFirst());
      ok(m.number() + " " + m.size());
      return;
    }
    List<Maildrop.Message> present = drop.present();
    ok(present.size() + " messages (" + drop.presentSize() + " octets)");
    for (Maildrop.Message m : present) {
      line(m.number() + " " + m.size());
    }
    line(".");
  }

  private void uidl(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.UIDL, args, 0, 1);
    if (args.size() == 1) {
      Maildrop.Message m = drop.get(args.getFirst());
      ok(m.number() + " " + drop.uidl(m));
      return;
    }
    ok("Unique-ID listing follows");
    for (Maildrop.Message m : drop.present()) {
      line(m.number() + " " + drop.uidl(m));
    }
    line(".");
  }

  private void retr(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.RETR, args, 1, 1);
    Maildrop.Message m = drop.get(args.getFirst());
    // The file is opened before "+OK", so a message expunged by IMAP meanwhile gets a clean -ERR.
    try (InputStream in = drop.read(m)) {
      ok(m.size() + " octets");
      MessageEncoder.retr(in, out);
      line(".");
    }
    drop.retrieved(m);
  }

  private void top(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.TOP, args, 2, 2);
    Maildrop.Message m = drop.get(args.getFirst());
    String n = args.get(1);
    if (n.isEmpty() || n.length() > 18 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw Pop3Exception.bad("Invalid number of lines: " + printable(n));
    }
    try (InputStream in = drop.read(m)) {
      ok("Top of message follows");
      MessageEncoder.top(in, out, Long.parseLong(n));
      line(".");
    }
  }

  /** RFC 1939 §6: QUIT in TRANSACTION enters UPDATE; the deletions happen now, or not at all. */
  private void quit(List<String> args) throws IOException, Pop3Exception {
    arity(Pop3Command.QUIT, args, 0, 0);
    if (state == State.AUTHORIZATION) {
      state = State.UPDATE;
      ok(settings.hostname() + " Postamt POP3 server signing off");
      return;
    }
    state = State.UPDATE;
    try {
      int left = drop.update();
      log.info("pop3 {}: {} logged out, {} messages left", clientIp, drop.user(), left);
      ok(settings.hostname() + " Postamt POP3 server signing off (" + left + " message" + (left == 1 ? "" : "s") + " left)");
    } catch (StoreException e) {
      log.warn("pop3 {}: UPDATE for {} failed: {}", clientIp, drop.user(), e.getMessage(), e);
      line("-ERR [SYS/TEMP] Some deleted messages were not removed");
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private static List<String> words(String rest) {
    String r = rest.strip();
    return r.isEmpty() ? List.of() : List.of(r.split(" +"));
  }

  private static void arity(Pop3Command cmd, List<String> args, int min, int max) throws Pop3Exception {
    if (args.size() < min || args.size() > max) {
      String want = max == 0 ? "no arguments" : min == max ? min + " argument" + (min == 1 ? "" : "s")
          : min + " to " + max + " arguments";
      throw Pop3Exception.bad(cmd + " takes " + want);
    }
  }

  private String user() {
    return drop == null ? "-" : drop.user();
  }

  static String printable(String s) {
    return dev.postamt.net.Printable.of(s);
  }

  private void ok(String text) throws IOException {
    line(text == null ? "+OK" : "+OK " + text);
  }

  private void line(String s) throws IOException {
    out.write((s + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  private void flush() throws IOException {
    out.flush();
  }
}
