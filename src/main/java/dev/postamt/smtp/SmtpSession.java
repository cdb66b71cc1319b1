package dev.postamt.smtp;

import dev.postamt.directory.DirectoryException;
import dev.postamt.net.Connection;
import dev.postamt.net.LineReader;
import dev.postamt.net.LoginLog;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP conversation (RFC 5321) with its extensions. State is explicit: the HELO name, the
 * authenticated user, and the current {@link Transaction}. Every command answers with an {@link
 * SmtpReply}; failures are {@link SmtpException}s caught in one place, counted, and the session ends
 * after {@code limits.errors} of them. The session checks the protocol (order of commands, syntax);
 * whether a client, sender, recipient or message is welcome is for the {@link StageChecks} it runs at
 * each {@link Stage}.
 */
final class SmtpSession {
  private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
  /** The protocol name in login log lines. */
  private static final String PROTO = "smtp";

  private final SmtpServer server;
  private final Connection conn;
  private final LineReader lines;
  private final String clientIp;
  private final InetAddress clientAddress;
  private final boolean trustedNetwork;

  private String helo;
  private boolean esmtp;
  private String authUser;
  private int errors;
  private int authFailures;

  /** The current mail transaction; null outside one. */
  private Transaction tx;

  private final RecipientLookup lookup;
  private final MessageReceiver receiver;
  private final MessageCommit commit;
  private final SessionDefences defences;
  private final SessionTrail trail;

  SmtpSession(SmtpServer server, Connection conn) {
    this.server = server;
    this.conn = conn;
    this.lines = new LineReader(conn.in(), server.config.limits().lineLength());
    InetAddress addr = conn.remote().getAddress();
    this.clientIp = addr.getHostAddress();
    this.clientAddress = addr;
    this.trustedNetwork = server.config.relay().networks().stream().anyMatch(c -> c.contains(addr));
    this.lookup = new RecipientLookup(server.router, server.config.hostname());
    this.receiver = new MessageReceiver(server, conn);
    this.commit = new MessageCommit(server, conn);
    this.defences = new SessionDefences(server, conn, clientIp, trustedNetwork);
    this.trail = new SessionTrail(server);
  }

  void run() throws IOException {
    conn.setReadTimeout(server.config.limits().idleTimeout());
    conn.setLineDeadline(server.config.limits().commandDeadline());
    trail.emit(dev.postamt.events.Event.SMTP_CONNECT, null, "service", conn.service(), "ip", clientIp);
    if (server.checks.run(new StageContext(Stage.CONNECT, client(), null, null, List.of(), null))
        instanceof StageCheck.Decision.Refuse r) {
      reply(r.reply());
      flush();
      return;
    }
    String greeting = server.config.hostname() + (lmtp() ? " LMTP Postamt" : " ESMTP Postamt");
    if (defences.pregreetTalked(greeting)) {
      return;
    }
    reply(new SmtpReply(220, null, greeting));
    flush();
    try {
      while (true) {
        byte[] raw;
        boolean goOn;
        try {
          raw = lines.readLine();
          if (raw == null) {
            return; // client went away
          }
          goOn = command(new String(raw, StandardCharsets.UTF_8));
        } catch (LineReader.LineTooLongException e) {
          goOn = fail(new SmtpException(SmtpReply.LINE_TOO_LONG));
        }
        if (!goOn) {
          return;
        }
        if (conn.buffered() == 0) {
          flush(); // RFC 2920: answer a pipelined group when the client waits (nothing more read ahead)
        }
      }
    } catch (SocketTimeoutException e) {
      reply(new SmtpReply(421, "4.4.2", server.config.hostname() + " Error: timeout exceeded"));
      flush();
    } catch (EOFException e) {
      log.debug("smtp {}: connection lost: {}", clientIp, e.getMessage());
    } finally {
      resetTransaction();
    }
  }

  /** Runs one command line; false ends the session. */
  private boolean command(String line) throws IOException {
    int sp = line.indexOf(' ');
    String verb = sp < 0 ? line : line.substring(0, sp);
    String arg = sp < 0 ? "" : line.substring(sp + 1);
    SmtpCommand cmd = SmtpCommand.of(verb, line);
    try {
      return OneLook.call(() -> command(cmd, verb, arg));
    } catch (SmtpException e) {
      trail.refused(cmd, arg, e, tx);
      return fail(e);
    }
  }

  /** {@link #command(String)}'s work, as one look at the directory ({@link OneLook}). */
  private boolean command(SmtpCommand cmd, String verb, String arg) throws SmtpException, IOException {
    if (cmd.needsHelo && helo == null) {
      throw new SmtpException(SmtpReply.NEED_HELO);
    }
    switch (cmd) {
      case HELO, EHLO -> {
        if (lmtp()) {
          throw new SmtpException(500, "5.5.1", "Error: this is LMTP; use LHLO");
        }
        hello(arg, cmd == SmtpCommand.EHLO);
      }
      case LHLO -> {
        if (!lmtp()) {
          throw new SmtpException(SmtpReply.UNKNOWN_COMMAND);
        }
        hello(arg, true);
      }
      case MAIL -> mail(arg);
      case RCPT -> rcpt(arg);
      case DATA -> data(arg);
      case BDAT -> bdat(arg);
      case BURL -> burl(arg);
      case RSET -> {
        resetTransaction();
        reply(SmtpReply.OK);
      }
      case NOOP -> reply(SmtpReply.OK);
      case QUIT -> {
        reply(new SmtpReply(221, "2.0.0", "Bye"));
        flush();
        return false;
      }
      case HELP -> reply(new SmtpReply(214, "2.0.0", "See RFC 5321; Postamt " + server.config.hostname()));
      case VRFY -> reply(SmtpReply.VRFY);
      case EXPN -> throw new SmtpException(SmtpReply.EXPN);
      case STARTTLS -> starttls(arg);
      case AUTH -> auth(arg);
      case FORBIDDEN -> {
        log.info("smtp {}: non-SMTP command \"{}\"; disconnecting", clientIp, MailPath.printable(verb));
        reply(new SmtpReply(221, "2.7.0", "Error: I can break rules, too. Goodbye."));
        flush();
        return false;
      }
      case UNKNOWN -> throw new SmtpException(SmtpReply.UNKNOWN_COMMAND);
    }
    return true;
  }

  /** Sends a failure reply, counts it, and says whether the session goes on. */
  private boolean fail(SmtpException e) throws IOException {
    defences.delayErrorReply();
    reply(e.reply());
    if (e.close()) {
      flush();
      return false;
    }
    if (defences.closeNow()) {
      reply(new SmtpReply(421, "4.7.0", server.config.hostname() + " Error: too many invalid recipients"));
      flush();
      return false;
    }
    if (++errors >= server.config.limits().errors()) {
      reply(new SmtpReply(421, "4.7.0", server.config.hostname() + " Error: too many errors"));
      flush();
      return false;
    }
    return true;
  }

  // ---- HELO / EHLO -------------------------------------------------------------------------------

  private void hello(String arg, boolean extended) throws SmtpException, IOException {
    String name = arg.trim();
    if (name.isEmpty() || name.contains(" ")) {
      throw new SmtpException(501, "5.5.4", "Syntax: " + (lmtp() ? "LHLO" : extended ? "EHLO" : "HELO") + " hostname");
    }
    resetTransaction();
    server.checks.require(new StageContext(Stage.HELO, client().withHelo(name), null, null, List.of(), null));
    helo = name;
    esmtp = extended;
    if (!extended) {
      reply(new SmtpReply(250, null, server.config.hostname()));
      return;
    }
    List<String> caps = new ArrayList<>();
    caps.add(server.config.hostname());
    caps.add("PIPELINING");
    caps.add("SIZE " + server.config.limits().messageSize());
    if (conn.canStartTls() && !lmtp()) {
      caps.add("STARTTLS");
    }
    if (conn.isTls() && !lmtp()) {
      caps.add("AUTH SCRAM-SHA-256 PLAIN LOGIN");
    }
    caps.add("ENHANCEDSTATUSCODES");
    caps.add("8BITMIME");
    caps.add("DSN");
    caps.add("SMTPUTF8");
    caps.add("CHUNKING");
    if (server.burl != null && conn.isTls()) {
      caps.add(Burl.ehloKeyword(authUser != null, server.config.hostname()));
    }
    if (conn.isTls() && !lmtp()) {
      caps.add("REQUIRETLS"); // RFC 8689 §4.1: offered on encrypted sessions only
    }
    reply(new SmtpReply(250, null, caps));
  }

  // ---- STARTTLS (RFC 3207) -----------------------------------------------------------------------

  private void starttls(String arg) throws SmtpException, IOException {
    if (!arg.isBlank()) {
      throw new SmtpException(501, "5.5.4", "Syntax: STARTTLS");
    }
    if (conn.isTls()) {
      throw new SmtpException(503, "5.5.1", "Error: TLS already active");
    }
    if (!conn.canStartTls()) {
      throw new SmtpException(454, "4.7.0", "TLS not available");
    }
    reply(new SmtpReply(220, "2.0.0", "Ready to start TLS"));
    flush();
    conn.startTls(); // drops anything pipelined behind STARTTLS (CVE-2011-0411)
    // RFC 3207 §4.2: forget everything learnt before TLS.
    helo = null;
    esmtp = false;
    authUser = null;
    resetTransaction();
  }

  // ---- AUTH (RFC 4954) ---------------------------------------------------------------------------

  private void auth(String arg) throws SmtpException, IOException {
    if (!conn.isTls()) {
      throw new SmtpException(SmtpReply.TLS_REQUIRED);
    }
    if (authUser != null) {
      throw new SmtpException(503, "5.5.1", "Error: already authenticated");
    }
    if (tx != null) {
      throw new SmtpException(503, "5.5.1", "Error: MAIL transaction in progress");
    }
    String[] p = arg.trim().split(" ");
    String mech = p[0].toUpperCase(Locale.ROOT);
    if (!server.throttle.allowed(clientAddress)) {
      LoginLog.failed(PROTO, null, clientAddress, mech, conn.isTls(), "too many failed logins from this address");
      throw new SmtpException(
          new SmtpReply(421, "4.7.0", server.config.hostname() + " Error: too many failed logins from " + clientIp + "; try again later"),
          true);
    }
    String initial = p.length > 1 ? p[1] : null;
    String user;
    String pass;
    switch (mech) {
      case "PLAIN" -> {
        byte[] resp = initial != null ? Sasl.decode(initial) : Sasl.decode(challenge(""));
        Sasl.Plain plain = Sasl.plain(resp);
        user = plain.user();
        pass = plain.password();
      }
      case "LOGIN" -> {
        user = new String(initial != null ? Sasl.decode(initial) : Sasl.decode(challenge("VXNlcm5hbWU6")), StandardCharsets.UTF_8);
        pass = new String(Sasl.decode(challenge("UGFzc3dvcmQ6")), StandardCharsets.UTF_8);
      }
      case "SCRAM-SHA-256" -> {
        scram(initial);
        return;
      }
      default -> throw new SmtpException(504, "5.5.4", "Unsupported authentication mechanism");
    }
    Optional<String> who;
    try {
      who = server.directory.authenticate(user, pass.toCharArray());
    } catch (DirectoryException e) {
      log.warn("smtp {}: authentication lookup failed: {}", clientIp, e.getMessage());
      throw new SmtpException(454, "4.7.0", "Temporary authentication failure");
    }
    if (who.isEmpty()) {
      throw authFailed("for " + MailPath.printable(user), user, mech);
    }
    authUser = who.get();
    LoginLog.ok(PROTO, authUser, clientAddress, mech, conn.isTls());
    trail.emit(dev.postamt.events.Event.SMTP_AUTH_OK, null, "user", authUser, "method", mech, "ip", clientIp);
    conn.loggedIn(authUser);
    log.info("smtp {}: authenticated as {}", clientIp, authUser);
    reply(SmtpReply.AUTH_OK);
  }

  /**
   * Counts a failed login (in this session, and for the client address across sessions) and gives
   * the reply: 535, or 421 and the end of the session at {@code limits.auth_failures}.
   */
  private SmtpException authFailed(String detail, String user, String mech) {
    log.info("smtp {}: authentication failed {}", clientIp, detail);
    LoginLog.failed(PROTO, user, clientAddress, mech, conn.isTls(), "bad credentials");
    trail.emit(dev.postamt.events.Event.SMTP_AUTH_FAILED, null, "user", user, "method", mech, "ip", clientIp, "reason", "bad credentials");
    server.throttle.failed(clientAddress, user);
    if (++authFailures >= server.config.limits().authFailures()) {
      return new SmtpException(
          new SmtpReply(421, "4.7.0", server.config.hostname() + " Error: too many authentication failures"), true);
    }
    return new SmtpException(SmtpReply.AUTH_FAILED);
  }

  /** SCRAM-SHA-256 (RFC 7677) over SMTP AUTH: two round trips, the server signature in a last 334. */
  private void scram(String initial) throws SmtpException, IOException {
    dev.postamt.directory.ScramServer scram = new dev.postamt.directory.ScramServer(server.directory);
    try {
      authUser =
          scram.exchange(
              initial == null ? null : utf8(Sasl.decode(initial)),
              serverMessage -> utf8(Sasl.decode(challenge(b64(serverMessage)))));
    } catch (dev.postamt.directory.ScramServer.ScramException e) {
      throw authFailed("(SCRAM-SHA-256: " + e.getMessage() + ")", scram.claimedUser(), "SCRAM-SHA-256");
    } catch (DirectoryException e) {
      log.warn("smtp {}: authentication lookup failed: {}", clientIp, e.getMessage());
      throw new SmtpException(454, "4.7.0", "Temporary authentication failure");
    }
    log.info("smtp {}: authenticated as {} (SCRAM-SHA-256)", clientIp, authUser);
    LoginLog.ok(PROTO, authUser, clientAddress, "SCRAM-SHA-256", conn.isTls());
    trail.emit(dev.postamt.events.Event.SMTP_AUTH_OK, null, "user", authUser, "method", "SCRAM-SHA-256", "ip", clientIp);
    conn.loggedIn(authUser);
    reply(SmtpReply.AUTH_OK);
  }

  private static String b64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Sends a 334 challenge and reads the client's line; "*" cancels (RFC 4954 §4). */
  private String challenge(String b64) throws IOException, SmtpException {
    reply(new SmtpReply(334, null, b64));
    flush();
    byte[] raw;
    try {
      raw = lines.readLine(Sasl.MAX_RESPONSE);
    } catch (LineReader.LineTooLongException e) {
      throw new SmtpException(500, "5.5.6", "Authentication exchange line is too long");
    }
    if (raw == null) {
      throw new EOFException("connection closed during AUTH");
    }
    String s = new String(raw, StandardCharsets.US_ASCII).trim();
    if (s.equals("*")) {
      throw new SmtpException(501, "5.7.0", "Authentication aborted");
    }
    return s;
  }

  // ---- MAIL ------------------------------------------------------------------------------------

  private void mail(String arg) throws SmtpException, IOException {
    if (!arg.regionMatches(true, 0, "FROM:", 0, 5)) {
      throw new SmtpException(501, "5.5.4", "Syntax: MAIL FROM:<address>");
    }
    if (tx != null) {
      throw new SmtpException(SmtpReply.NESTED_MAIL);
    }
    if (server.mode == SmtpServer.Mode.SUBMISSION && authUser == null) {
      throw new SmtpException(conn.isTls() ? SmtpReply.AUTH_REQUIRED : SmtpReply.TLS_REQUIRED);
    }
    MailPath from = MailPath.parse(arg.substring(5), true);
    EnvelopeParameters.checkMail(from, server.config.limits().messageSize(), conn.isTls());
    server.checks.require(new StageContext(Stage.MAIL, client(), from, null, List.of(), null));
    tx = new Transaction(from);
    reply(SmtpReply.SENDER_OK);
  }

  // ---- RCPT --------------------------------------------------------------------------------------

  private void rcpt(String arg) throws SmtpException, IOException {
    if (!arg.regionMatches(true, 0, "TO:", 0, 3)) {
      throw new SmtpException(501, "5.5.4", "Syntax: RCPT TO:<address>");
    }
    if (tx == null) {
      throw new SmtpException(SmtpReply.NEED_MAIL);
    }
    if (tx.chunks != null) {
      throw new SmtpException(SmtpReply.BAD_SEQUENCE);
    }
    if (tx.acceptedCount() >= server.config.limits().recipients()) {
      throw new SmtpException(SmtpReply.TOO_MANY_RECIPIENTS);
    }
    MailPath to = MailPath.parse(arg.substring(3), false);
    EnvelopeParameters.Rcpt params = EnvelopeParameters.checkRcpt(to, tx.sender);
    StageContext.Client client = client();
    StageContext.Recipient r = lookup.resolve(to);
    try {
      server.checks.require(new StageContext(Stage.RCPT, client, tx.sender, r, tx.recipients(), null, tx.policyEffects));
    } catch (SmtpException refused) {
      if (refused.reply().code() >= 500) {
        defences.invalidRecipient(client.trusted());
      }
      throw refused;
    }
    Envelope.Recipient rcpt =
        new Envelope.Recipient(r.address(), NoticeRequests.notify(params.notifyOn(), client.trusted()), params.orcpt());
    if (!tx.add(r, rcpt)) {
      log.debug("smtp {}: {} repeated; one copy", clientIp, r.shown());
    }
    reply(SmtpReply.RCPT_OK);
  }

  // ---- DATA and BDAT -----------------------------------------------------------------------------

  private void data(String arg) throws SmtpException, IOException {
    if (!arg.isBlank()) {
      throw new SmtpException(501, "5.5.4", "Syntax: DATA");
    }
    if (tx != null && tx.chunks != null) {
      throw new SmtpException(SmtpReply.BAD_SEQUENCE);
    }
    requireRecipients();
    try {
      server.checks.require(new StageContext(Stage.DATA, client(), tx.sender, null, tx.recipients(), null));
      DurableSpool.Writer w = receiver.openSpool(EnvelopeParameters.declaredSize(tx.sender));
      reply(SmtpReply.START_DATA);
      flush();
      conn.holdGoodbye(true); // a shutdown lets the message finish (within its grace time)
      try {
        receiver.readData(w);
        trail.committing(tx, w.id());
        commit.finish(w, tx, client(), esmtp);
        trail.accepted(client());
      } finally {
        conn.holdGoodbye(false);
      }
    } catch (SmtpException e) {
      resetTransaction();
      throw e;
    }
    resetTransaction();
  }

  /** RFC 3030: {@code BDAT <size> [LAST]}; the chunk is read in full even when it will be refused. */
  private void bdat(String arg) throws SmtpException, IOException {
    String[] p = arg.trim().split(" +");
    if (p.length < 1 || p.length > 2 || !p[0].matches("\\d{1,18}")
        || (p.length == 2 && !p[1].equalsIgnoreCase("LAST"))) {
      // we cannot know how much to skip: the session cannot continue in step
      throw new SmtpException(new SmtpReply(501, "5.5.4", "Syntax: BDAT size [LAST]"), true);
    }
    long n = Long.parseLong(p[0]);
    boolean last = p.length == 2;
    try {
      requireRecipients();
      if (tx.chunks == null) {
        server.checks.require(new StageContext(Stage.DATA, client(), tx.sender, null, tx.recipients(), null));
        tx.chunks = receiver.openChunks();
      }
    } catch (SmtpException e) {
      conn.in().skipNBytes(n); // the chunk is on its way: read past it to stay in step
      throw e;
    }
    conn.holdGoodbye(true); // a shutdown lets the chunk finish (within its grace time)
    try {
      SmtpReply chunkReply = receiver.readChunk(tx.chunks, n, last);
      if (!last) {
        reply(chunkReply);
        return;
      }
      commitChunks();
    } catch (SmtpException e) {
      tx.chunks = null; // the receiver aborted the spool file
      resetTransaction();
      throw e;
    } finally {
      conn.holdGoodbye(false);
    }
    resetTransaction();
  }

  /** The message of the BDAT/BURL chunks is complete: checks, spool, 250 (or the refusal). */
  private void commitChunks() throws SmtpException, IOException {
    DurableSpool.Writer w = tx.chunks.writer();
    tx.chunks = null;
    trail.committing(tx, w.id());
    commit.finish(w, tx, client(), esmtp);
    trail.accepted(client());
  }

  /**
   * RFC 4468: {@code BURL <url> [LAST]}, a chunk fetched from the store ({@link Burl}); only after AUTH
   * on a submission port. Any failure fails the whole transaction (§3.2), as a refused BDAT does.
   */
  private void burl(String arg) throws SmtpException, IOException {
    if (server.burl == null) {
      throw new SmtpException(SmtpReply.UNKNOWN_COMMAND);
    }
    Burl.Request r = Burl.parse(arg);
    if (authUser == null) {
      throw new SmtpException(SmtpReply.AUTH_REQUIRED);
    }
    requireRecipients();
    conn.holdGoodbye(true);
    try {
      if (tx.chunks == null) {
        server.checks.require(new StageContext(Stage.DATA, client(), tx.sender, null, tx.recipients(), null));
        tx.chunks = receiver.openChunks();
      }
      SmtpReply chunkReply;
      try (BurlResolver.Content c = Burl.open(server.burl, r.url(), authUser, server.config.limits().messageSize())) {
        chunkReply = receiver.readChunk(tx.chunks, c.in(), c.size(), r.last());
      } catch (IOException e) {
        log.warn("smtp {}: BURL of {} failed: {}", clientIp, authUser, e.toString());
        throw new SmtpException(451, "4.6.6", "Message content not available now; try again later");
      }
      if (!r.last()) {
        if (chunkReply.code() != 250) {
          throw new SmtpException(chunkReply);
        }
        reply(new SmtpReply(250, "2.5.0", "Waiting for additional BURL or BDAT commands"));
        return;
      }
      commitChunks();
    } catch (SmtpException e) {
      resetTransaction();
      throw e;
    } finally {
      conn.holdGoodbye(false);
    }
    resetTransaction();
  }

  private void requireRecipients() throws SmtpException {
    if (tx == null) {
      throw new SmtpException(SmtpReply.NEED_MAIL);
    }
    if (!tx.hasRecipients()) {
      throw new SmtpException(SmtpReply.NEED_RCPT);
    }
  }

  /** What the stage checks may know about the client now. */
  private StageContext.Client client() {
    return new StageContext.Client(
        server.mode, conn.service(), clientAddress, clientIp, trustedNetwork, helo, conn.isTls(), authUser,
        trail.session());
  }

  private boolean lmtp() {
    return server.mode == SmtpServer.Mode.LMTP;
  }

  /** Ends the transaction; a BDAT message not yet complete is dropped (nothing was acknowledged). */
  private void resetTransaction() {
    if (tx != null) {
      tx.abort();
      tx = null;
    }
  }

  // ---- output ------------------------------------------------------------------------------------

  private void reply(SmtpReply r) throws IOException {
    conn.out().write(r.encode(true));
  }

  private void flush() throws IOException {
    conn.out().flush();
  }
}
