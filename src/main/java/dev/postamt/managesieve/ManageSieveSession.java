package dev.postamt.managesieve;

import dev.postamt.directory.DirectoryException;
import dev.postamt.directory.ScramServer;
import dev.postamt.managesieve.RequestReader.Arg;
import dev.postamt.managesieve.RequestReader.Atom;
import dev.postamt.managesieve.RequestReader.Num;
import dev.postamt.managesieve.RequestReader.Str;
import dev.postamt.net.Connection;
import dev.postamt.net.LineDeadlineException;
import dev.postamt.net.LoginLog;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ManageSieve conversation (RFC 5804) from the capability greeting to LOGOUT, on its own virtual
 * thread. State is explicit ({@link State}); each request is looked up in the {@link Verb} table, checked
 * against the state and run; a refusal is a {@link ManageSieveException} answered in one place with
 * {@code NO}, bad ones counted. The session ends on LOGOUT, end of stream, the idle timer or the command
 * deadline, too many bad commands or failed logins, each time with a {@code BYE} saying why.
 */
final class ManageSieveSession {
  private static final Logger log = LoggerFactory.getLogger(ManageSieveSession.class);
  /** The protocol name in login log lines. */
  private static final String PROTO = "managesieve";
  /** Literals this many times the script limit are read and refused; larger ones end the session. */
  private static final int SKIPPABLE_FACTOR = 4;

  enum State { NOT_AUTHENTICATED, AUTHENTICATED, LOGOUT }

  /** The command table: each command and the states it is allowed in. */
  enum Verb {
    CAPABILITY(true, true),
    STARTTLS(true, false),
    AUTHENTICATE(true, false),
    UNAUTHENTICATE(false, true),
    LOGOUT(true, true),
    NOOP(true, true),
    LISTSCRIPTS(false, true),
    GETSCRIPT(false, true),
    PUTSCRIPT(false, true),
    CHECKSCRIPT(false, true),
    SETACTIVE(false, true),
    DELETESCRIPT(false, true),
    RENAMESCRIPT(false, true),
    HAVESPACE(false, true);

    final Set<State> states;

    Verb(boolean beforeLogin, boolean afterLogin) {
      states = EnumSet.noneOf(State.class);
      if (beforeLogin) {
        states.add(State.NOT_AUTHENTICATED);
      }
      if (afterLogin) {
        states.add(State.AUTHENTICATED);
      }
    }

    static Verb of(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  private final ManageSieveServer server;
  private final ManageSieveSettings settings;
  private final Connection conn;
  private final RequestReader reader;
  private final Responses r;
  private final InetAddress client;

  private State state = State.NOT_AUTHENTICATED;
  private String user;
  private ScriptCommands commands;
  private String authMethod = "PLAIN";
  private int badCommands;
  private int authFailures;

  ManageSieveSession(ManageSieveServer server, Connection conn) {
    this.server = server;
    this.settings = server.settings;
    this.conn = conn;
    this.reader = new RequestReader(conn.in(), settings.maxLine(), settings.maxLiteralBeforeLogin());
    this.r = new Responses(conn.out());
    this.client = conn.remote() == null ? null : conn.remote().getAddress();
  }

  void run() throws IOException {
    conn.setReadTimeout(settings.idleTimeout());
    conn.setLineDeadline(settings.commandDeadline());
    capabilities(); // RFC 5804 §1.7: the greeting is a capability response
    r.ok(null, settings.hostname() + " Postamt ManageSieve ready");
    r.flush();
    try {
      while (state != State.LOGOUT) {
        try {
          List<Arg> args = reader.readLine();
          if (args == null) {
            return;
          }
          request(args);
        } catch (RequestReader.SyntaxException e) {
          fail(ManageSieveException.bad(e.getMessage()));
        } catch (RequestReader.LiteralTooLargeException e) {
          tooLarge(e.size);
        } catch (ManageSieveException e) {
          fail(e);
        } catch (RuntimeException e) {
          // a bug or a store fault ends this command, not the connection
          log.warn("managesieve {} {}: command failed: {}", addr(), user, e.toString(), e);
          r.no("TRYLATER", "Internal error; try again later");
        }
        if (conn.in().available() == 0) {
          r.flush();
        }
      }
    } catch (SocketTimeoutException e) {
      r.bye(null, e instanceof LineDeadlineException ? "Command not received in time" : "Disconnected for inactivity");
    } catch (EOFException e) {
      log.debug("managesieve {}: connection lost: {}", addr(), e.getMessage());
    } finally {
      try {
        r.flush();
      } catch (IOException ignored) {
        // peer gone
      }
    }
  }

  private void fail(ManageSieveException e) throws IOException {
    r.no(e.code(), e.getMessage());
    if (e.badCommand() && ++badCommands >= settings.maxBadCommands()) {
      r.bye(null, "Too many bad commands; closing the connection");
      state = State.LOGOUT;
    }
  }

  /** A literal over the limit: read and refused when it is a script not much too large, else the end. */
  private void tooLarge(long size) throws IOException {
    long max = reader.maxLiteral();
    if (state == State.AUTHENTICATED && size <= max * SKIPPABLE_FACTOR) {
      reader.skipLiteral(size);
      r.no("QUOTA/MAXSIZE", "Script too large (the limit is " + max + " octets)");
      return;
    }
    log.info("managesieve {}: literal of {} octets refused, closing", addr(), size);
    r.bye(null, "Literal too large (the limit is " + max + " octets)");
    state = State.LOGOUT;
  }

  private void request(List<Arg> args) throws IOException, ManageSieveException, RequestReader.SyntaxException,
      RequestReader.LiteralTooLargeException {
    if (args.isEmpty()) {
      throw ManageSieveException.bad("Empty request");
    }
    if (!(args.getFirst() instanceof Atom name)) {
      throw ManageSieveException.bad("A request starts with a command name");
    }
    Verb verb = Verb.of(name.value());
    if (verb == null) {
      throw ManageSieveException.bad("Unknown command " + printable(name.value()));
    }
    if (!verb.states.contains(state)) {
      throw ManageSieveException.bad(verb + (state == State.AUTHENTICATED ? " is not allowed after login"
          : " needs authentication first"));
    }
    List<Arg> a = args.subList(1, args.size());
    switch (verb) {
      case CAPABILITY -> {
        arity(verb, a, 0, 0, "");
        capabilities();
        r.ok(null, "Capability completed");
      }
      case STARTTLS -> startTls(a);
      case AUTHENTICATE -> authenticate(a);
      case UNAUTHENTICATE -> {
        arity(verb, a, 0, 0, "");
        log.info("managesieve {}: {} unauthenticated", addr(), user);
        state = State.NOT_AUTHENTICATED;
        user = null;
        commands = null;
        reader.maxLiteral(settings.maxLiteralBeforeLogin());
        r.ok(null, "Unauthenticate completed");
      }
      case LOGOUT -> {
        arity(verb, a, 0, 0, "");
        r.ok(null, "Logout completed");
        state = State.LOGOUT;
      }
      case NOOP -> {
        arity(verb, a, 0, 1, " [\"tag\"]");
        if (a.isEmpty()) {
          r.ok(null, "Done");
        } else {
          r.ok("TAG " + Responses.quote(string(a, 0, verb)), "Done");
        }
      }
      case LISTSCRIPTS -> {
        arity(verb, a, 0, 0, "");
        commands.listScripts();
      }
      case GETSCRIPT -> {
        arity(verb, a, 1, 1, " \"name\"");
        commands.getScript(string(a, 0, verb));
      }
      case PUTSCRIPT -> {
        arity(verb, a, 2, 2, " \"name\" {octets+} script");
        commands.putScript(string(a, 0, verb), string(a, 1, verb));
      }
      case CHECKSCRIPT -> {
        arity(verb, a, 1, 1, " {octets+} script");
        commands.checkScript(string(a, 0, verb));
      }
      case SETACTIVE -> {
        arity(verb, a, 1, 1, " \"name\"");
        commands.setActive(string(a, 0, verb));
      }
      case DELETESCRIPT -> {
        arity(verb, a, 1, 1, " \"name\"");
        commands.deleteScript(string(a, 0, verb));
      }
      case RENAMESCRIPT -> {
        arity(verb, a, 2, 2, " \"old name\" \"new name\"");
        commands.renameScript(string(a, 0, verb), string(a, 1, verb));
      }
      case HAVESPACE -> {
        arity(verb, a, 2, 2, " \"name\" size");
        if (!(a.get(1) instanceof Num size)) {
          throw ManageSieveException.bad("Syntax: HAVESPACE \"name\" size (size is a number)");
        }
        commands.haveSpace(string(a, 0, verb), size.value());
      }
    }
  }

  // ---- capabilities and TLS

  /** RFC 5804 §1.7: one line per capability, SASL empty where authentication is not allowed yet. */
  private void capabilities() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("\"IMPLEMENTATION\" \"Postamt\"");
    if (state == State.NOT_AUTHENTICATED) {
      lines.add("\"SASL\" " + Responses.quote(loginAllowed() ? "PLAIN SCRAM-SHA-256" : ""));
    }
    Set<String> sieve = server.compiler.capabilities();
    lines.add("\"SIEVE\" " + Responses.quote(String.join(" ", sieve)));
    if (sieve.contains("enotify")) {
      lines.add("\"NOTIFY\" \"mailto\""); // RFC 5804 §1.7: required with enotify
    }
    lines.add("\"MAXREDIRECTS\" " + Responses.quote(String.valueOf(server.compiler.limits().maxRedirects())));
    if (state == State.NOT_AUTHENTICATED && conn.canStartTls()) {
      lines.add("\"STARTTLS\"");
    }
    if (state == State.AUTHENTICATED) {
      lines.add("\"OWNER\" " + Responses.quote(user));
    }
    lines.add("\"UNAUTHENTICATE\"");
    lines.add("\"VERSION\" \"1.0\"");
    for (String l : lines) {
      r.line(l);
    }
  }

  /** RFC 5804 §2.2: OK, the handshake, then the capabilities again; pipelined plaintext is dropped. */
  private void startTls(List<Arg> a) throws IOException, ManageSieveException {
    arity(Verb.STARTTLS, a, 0, 0, "");
    if (!conn.canStartTls()) {
      throw ManageSieveException.no(null, conn.isTls() ? "TLS is active already" : "TLS is not available");
    }
    r.ok(null, "Begin TLS negotiation now");
    r.flush();
    conn.startTls();
    capabilities();
    r.ok(null, "TLS negotiation successful");
  }

  // ---- authentication (RFC 5804 §2.1)

  private boolean loginAllowed() {
    return conn.isTls() || settings.plaintextAuth()
        || (settings.loopbackIsSecure() && client != null && client.isLoopbackAddress());
  }

  private void authenticate(List<Arg> a) throws IOException, ManageSieveException, RequestReader.SyntaxException,
      RequestReader.LiteralTooLargeException {
    arity(Verb.AUTHENTICATE, a, 1, 2, " \"mechanism\" [\"initial response\"]");
    String mechanism = string(a, 0, Verb.AUTHENTICATE).toUpperCase(Locale.ROOT);
    if (!mechanism.equals("PLAIN") && !mechanism.equals("SCRAM-SHA-256")) {
      throw ManageSieveException.no(null, "Unsupported authentication mechanism; use PLAIN or SCRAM-SHA-256");
    }
    if (!loginAllowed()) {
      throw ManageSieveException.no("ENCRYPT-NEEDED", "Authentication needs TLS; use STARTTLS first");
    }
    authMethod = mechanism;
    if (!server.throttle.allowed(client)) {
      LoginLog.failed(PROTO, null, client, authMethod, conn.isTls(), "too many failed logins from this address");
      r.bye("TRYLATER", "Too many failed logins from your address; try again later");
      state = State.LOGOUT;
      return;
    }
    String initial = a.size() == 2 ? saslDecode(string(a, 1, Verb.AUTHENTICATE)) : null;
    if (mechanism.equals("SCRAM-SHA-256")) {
      scram(initial);
      return;
    }
    // RFC 4616: [authzid] NUL authcid NUL passwd
    String[] parts = (initial != null ? initial : challenge("")).split("\0", -1);
    if (parts.length != 3 || parts[1].isEmpty()) {
      authFailed(null);
      return;
    }
    if (!parts[0].isEmpty() && !parts[0].equalsIgnoreCase(parts[1])) {
      authFailed(parts[1]);
      return;
    }
    char[] password = parts[2].toCharArray();
    Optional<String> who;
    try {
      who = server.logins.authenticate(parts[1], password);
    } catch (Exception e) {
      log.warn("managesieve {}: authentication backend failed: {}", addr(), e.toString());
      throw ManageSieveException.no("TRYLATER", "Authentication temporarily unavailable");
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
    if (who.isEmpty()) {
      authFailed(parts[1]);
      return;
    }
    loggedIn(who.get(), null);
  }

  /**
   * SCRAM-SHA-256 (RFC 7677). ManageSieve carries the server-final-message in the OK's SASL response
   * code (RFC 5804 §2.1), so no extra round trip is needed.
   */
  private void scram(String initial) throws IOException, ManageSieveException, RequestReader.SyntaxException,
      RequestReader.LiteralTooLargeException {
    ScramServer scram = new ScramServer(server.logins);
    String serverFinal;
    try {
      String serverFirst = scram.clientFirst(initial != null ? initial : challenge(""));
      serverFinal = scram.clientFinal(challenge(serverFirst));
    } catch (ScramServer.ScramException e) {
      log.info("managesieve {}: SCRAM-SHA-256 failed: {}", addr(), e.getMessage());
      authFailed(scram.claimedUser());
      return;
    } catch (DirectoryException e) {
      log.warn("managesieve {}: authentication backend failed: {}", addr(), e.toString());
      throw ManageSieveException.no("TRYLATER", "Authentication temporarily unavailable");
    }
    loggedIn(scram.user(), serverFinal);
  }

  /** A server challenge as a string of base64, answered by one string; {@code "*"} cancels. */
  private String challenge(String serverMessage) throws IOException, ManageSieveException,
      RequestReader.SyntaxException, RequestReader.LiteralTooLargeException {
    r.line(Responses.quote(Base64.getEncoder().encodeToString(serverMessage.getBytes(StandardCharsets.UTF_8))));
    r.flush();
    List<Arg> answer = reader.readLine();
    if (answer == null) {
      throw new EOFException("connection closed during AUTHENTICATE");
    }
    if (answer.size() != 1 || !(answer.getFirst() instanceof Str s)) {
      throw ManageSieveException.bad("Expected one string as the SASL response");
    }
    return saslDecode(s.value());
  }

  private static String saslDecode(String response) throws ManageSieveException {
    if (response.equals("*")) {
      throw ManageSieveException.no(null, "Authentication aborted");
    }
    try {
      return new String(Base64.getDecoder().decode(response.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ManageSieveException.bad("Invalid base64 in the SASL response");
    }
  }

  private void loggedIn(String who, String serverFinal) throws IOException {
    user = who;
    state = State.AUTHENTICATED;
    commands = new ScriptCommands(server, r, user);
    reader.maxLiteral(ScriptCommands.maxScriptBytes(server));
    LoginLog.ok(PROTO, user, client, authMethod, conn.isTls());
    conn.loggedIn(user);
    log.info("managesieve {}: {} logged in{}", addr(), user, conn.isTls() ? " (TLS)" : "");
    r.ok(serverFinal == null ? null
        : "SASL " + Responses.quote(Base64.getEncoder().encodeToString(serverFinal.getBytes(StandardCharsets.UTF_8))),
        "Logged in");
  }

  /** A failed login: logged, counted per address and account, delayed; the last allowed one ends the session. */
  private void authFailed(String named) throws IOException, ManageSieveException {
    LoginLog.failed(PROTO, named, client, authMethod, conn.isTls(), "bad credentials");
    server.throttle.failed(client, named);
    if (!settings.authFailureDelay().isZero()) {
      try {
        Thread.sleep(settings.authFailureDelay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (++authFailures >= settings.maxAuthFailures()) {
      r.bye(null, "Authentication failed; too many failures, closing the connection");
      state = State.LOGOUT;
      return;
    }
    throw ManageSieveException.no(null, "Authentication failed");
  }

  // ---- helpers

  private static void arity(Verb verb, List<Arg> a, int min, int max, String syntax) throws ManageSieveException {
    if (a.size() < min || a.size() > max) {
      throw ManageSieveException.bad("Syntax: " + verb + syntax);
    }
  }

  /** Argument {@code i} as a string; RFC 5804 wants strings quoted or as literals, never bare words. */
  private static String string(List<Arg> a, int i, Verb verb) throws ManageSieveException {
    if (a.get(i) instanceof Str s) {
      return s.value();
    }
    throw ManageSieveException.bad(verb + ": argument " + (i + 1) + " must be a quoted string or a literal");
  }

  private String addr() {
    return client == null ? "unknown" : client.getHostAddress();
  }

  static String printable(String s) {
    return dev.postamt.net.Printable.of(s);
  }
}
