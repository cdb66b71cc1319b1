package dev.postamt.smtp;

import dev.postamt.directory.DirectoryException;
import dev.postamt.net.Connection;
import dev.postamt.net.LineReader;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import dev.postamt.queue.QueueManager;
import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP conversation (RFC 5321) with its extensions. State is explicit: the HELO name, the
 * authenticated user, and the current transaction (sender, recipients, open spool file). Every command
 * answers with an {@link SmtpReply}; failures are {@link SmtpException}s caught in one place, counted,
 * and the session ends after {@code limits.errors} of them.
 */
final class SmtpSession {
  private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
  private static final DateTimeFormatter RFC5322_DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

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

  // the transaction
  private MailPath sender;
  private final List<Envelope.Recipient> recipients = new ArrayList<>();
  private DurableSpool.Writer bdat;
  private SpoolSink bdatSink;
  private long bdatSize;
  private boolean bdatFailed;

  SmtpSession(SmtpServer server, Connection conn) {
    this.server = server;
    this.conn = conn;
    this.lines = new LineReader(conn.in(), server.config.limits().lineLength());
    InetAddress addr = conn.remote().getAddress();
    this.clientIp = addr.getHostAddress();
    this.clientAddress = addr;
    this.trustedNetwork = server.config.relay().networks().stream().anyMatch(c -> c.contains(addr));
  }

  void run() throws IOException {
    conn.setReadTimeout(server.config.limits().idleTimeout());
    conn.setLineDeadline(server.config.limits().commandDeadline());
    if (lmtp() && !trustedNetwork) {
      reply(new SmtpReply(554, "5.7.1", server.config.hostname() + " LMTP is for relay.networks only"));
      flush();
      return;
    }
    reply(new SmtpReply(220, null, server.config.hostname() + (lmtp() ? " LMTP Postamt" : " ESMTP Postamt")));
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
        if (conn.in().available() == 0) {
          flush(); // RFC 2920: answer a pipelined group when the client waits
        }
      }
    } catch (SocketTimeoutException e) {
      reply(new SmtpReply(421, "4.4.2", server.config.hostname() + " Error: timeout exceeded"));
      flush();
    } catch (EOFException e) {
      log.debug("smtp {}: connection lost: {}", clientIp, e.getMessage());
    } finally {
      abortTransaction();
    }
  }

  /** Runs one command line; false ends the session. */
  private boolean command(String line) throws IOException {
    int sp = line.indexOf(' ');
    String verb = sp < 0 ? line : line.substring(0, sp);
    String arg = sp < 0 ? "" : line.substring(sp + 1);
    SmtpCommand cmd = SmtpCommand.of(verb, line);
    try {
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
        case RSET -> {
          abortTransaction();
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
    } catch (SmtpException e) {
      return fail(e);
    }
  }

  /** Sends a failure reply, counts it, and says whether the session goes on. */
  private boolean fail(SmtpException e) throws IOException {
    reply(e.reply());
    if (e.close()) {
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
    abortTransaction();
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
    abortTransaction();
  }

  // ---- AUTH (RFC 4954) ---------------------------------------------------------------------------

  private void auth(String arg) throws SmtpException, IOException {
    if (!conn.isTls()) {
      throw new SmtpException(SmtpReply.TLS_REQUIRED);
    }
    if (authUser != null) {
      throw new SmtpException(503, "5.5.1", "Error: already authenticated");
    }
    if (sender != null) {
      throw new SmtpException(503, "5.5.1", "Error: MAIL transaction in progress");
    }
    if (!server.throttle.allowed(clientAddress)) {
      throw new SmtpException(
          new SmtpReply(421, "4.7.0", server.config.hostname() + " Error: too many failed logins from " + clientIp + "; try again later"),
          true);
    }
    String[] p = arg.trim().split(" ");
    String mech = p[0].toUpperCase(Locale.ROOT);
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
      throw authFailed("for " + MailPath.printable(user), user);
    }
    authUser = who.get();
    log.info("smtp {}: authenticated as {}", clientIp, authUser);
    reply(SmtpReply.AUTH_OK);
  }

  /**
   * Counts a failed login (in this session, and for the client address across sessions) and gives
   * the reply: 535, or 421 and the end of the session at {@code limits.auth_failures}.
   */
  private SmtpException authFailed(String detail, String user) {
    log.info("smtp {}: authentication failed {}", clientIp, detail);
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
      throw authFailed("(SCRAM-SHA-256: " + e.getMessage() + ")", scram.claimedUser());
    } catch (DirectoryException e) {
      log.warn("smtp {}: authentication lookup failed: {}", clientIp, e.getMessage());
      throw new SmtpException(454, "4.7.0", "Temporary authentication failure");
    }
    log.info("smtp {}: authenticated as {} (SCRAM-SHA-256)", clientIp, authUser);
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

  // ---- MAIL --------------------------------------------------------------------------------------

  private void mail(String arg) throws SmtpException, IOException {
    if (!arg.regionMatches(true, 0, "FROM:", 0, 5)) {
      throw new SmtpException(501, "5.5.4", "Syntax: MAIL FROM:<address>");
    }
    if (sender != null) {
      throw new SmtpException(SmtpReply.NESTED_MAIL);
    }
    if (server.mode == SmtpServer.Mode.SUBMISSION && authUser == null) {
      throw new SmtpException(conn.isTls() ? SmtpReply.AUTH_REQUIRED : SmtpReply.TLS_REQUIRED);
    }
    MailPath from = MailPath.parse(arg.substring(5), true);
    Map<String, String> params = from.params();
    for (var e : params.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "SIZE" -> {
          if (v == null || !v.matches("\\d{1,18}")) {
            throw new SmtpException(501, "5.5.4", "Bad SIZE parameter");
          }
          if (Long.parseLong(v) > server.config.limits().messageSize()) {
            throw new SmtpException(SmtpReply.MESSAGE_TOO_BIG);
          }
        }
        case "BODY" -> {
          if (v == null || !(v.equalsIgnoreCase("7BIT") || v.equalsIgnoreCase("8BITMIME"))) {
            throw new SmtpException(501, "5.5.4", "Bad BODY parameter (7BIT or 8BITMIME)");
          }
        }
        case "SMTPUTF8" -> {
          if (v != null) {
            throw new SmtpException(501, "5.5.4", "SMTPUTF8 takes no value");
          }
        }
        case "RET" -> {
          if (v == null || !(v.equalsIgnoreCase("FULL") || v.equalsIgnoreCase("HDRS"))) {
            throw new SmtpException(501, "5.5.4", "Bad RET parameter (FULL or HDRS)");
          }
        }
        case "ENVID" -> {
          if (v == null || v.length() > 100 || !validXtext(v)) {
            throw new SmtpException(501, "5.5.4", "Bad ENVID parameter");
          }
        }
        case "AUTH" -> {
          // RFC 4954 §5: accepted; we do not relay the identity.
        }
        default -> throw new SmtpException(555, "5.5.4", "Unsupported option: " + e.getKey());
      }
    }
    if (from.utf8() && !params.containsKey("SMTPUTF8")) {
      throw new SmtpException(553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
    }
    if (authUser != null && !from.isNull() && !server.router.mayUseSender(authUser, from.address())) {
      throw new SmtpException(553, "5.7.1", "<" + from.address() + ">: Sender address rejected: not owned by user " + authUser);
    }
    sender = from;
    reply(SmtpReply.SENDER_OK);
  }

  private static boolean validXtext(String v) {
    try {
      dev.postamt.queue.Xtext.decode(v);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // ---- RCPT --------------------------------------------------------------------------------------

  private void rcpt(String arg) throws SmtpException, IOException {
    if (!arg.regionMatches(true, 0, "TO:", 0, 3)) {
      throw new SmtpException(501, "5.5.4", "Syntax: RCPT TO:<address>");
    }
    if (sender == null) {
      throw new SmtpException(SmtpReply.NEED_MAIL);
    }
    if (bdat != null) {
      throw new SmtpException(SmtpReply.BAD_SEQUENCE);
    }
    if (recipients.size() >= server.config.limits().recipients()) {
      throw new SmtpException(SmtpReply.TOO_MANY_RECIPIENTS);
    }
    MailPath to = MailPath.parse(arg.substring(3), false);
    List<String> notify = List.of();
    Optional<String> orcpt = Optional.empty();
    for (var e : to.params().entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "NOTIFY" -> {
          if (v == null) {
            throw new SmtpException(501, "5.5.4", "Bad NOTIFY parameter");
          }
          List<String> n = List.of(v.toUpperCase(Locale.ROOT).split(","));
          boolean ok = n.stream().allMatch(x -> x.equals("NEVER") || x.equals("SUCCESS") || x.equals("FAILURE") || x.equals("DELAY"));
          if (!ok || (n.contains("NEVER") && n.size() > 1)) {
            throw new SmtpException(501, "5.5.4", "Bad NOTIFY parameter");
          }
          notify = n;
        }
        case "ORCPT" -> {
          if (v == null || !v.contains(";") || !validXtext(v.substring(v.indexOf(';') + 1))) {
            throw new SmtpException(501, "5.5.4", "Bad ORCPT parameter");
          }
          orcpt = Optional.of(v);
        }
        default -> throw new SmtpException(555, "5.5.4", "Unsupported option: " + e.getKey());
      }
    }
    boolean smtputf8 = sender.params().containsKey("SMTPUTF8");
    if (to.utf8() && !smtputf8) {
      throw new SmtpException(553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
    }
    boolean trusted = trustedNetwork || authUser != null;
    String shown = "<" + MailPath.printable(to.address()) + ">";
    if (!trusted && to.routingTrick()) {
      throw new SmtpException(554, "5.7.1", shown + ": Relay access denied (sender-routed address)");
    }
    String address = to.address();
    String domain = to.domain();
    if (domain.isEmpty()) {
      domain = server.config.hostname(); // bare "postmaster"
      address = "postmaster@" + domain;
    } else if (to.addressLiteral()) {
      if (isOurAddress(domain)) {
        domain = server.config.hostname();
        address = to.localPart() + "@" + domain;
      } else if (!trusted) {
        throw new SmtpException(554, "5.7.1", shown + ": Relay access denied");
      }
    }
    Resolution r = to.addressLiteral() && !domain.equals(server.config.hostname())
        ? new Resolution.NotLocal()
        : server.router.resolve(address);
    switch (r) {
      case Resolution.Local l -> refuseIfMailboxFull(l, address, shown);
      case Resolution.Unknown u ->
          throw new SmtpException(550, "5.1.1", shown + ": Recipient address rejected: User unknown");
      case Resolution.TempFail t ->
          throw new SmtpException(451, "4.3.0", shown + ": Temporary lookup failure");
      case Resolution.NotLocal n when lmtp() ->
          throw new SmtpException(550, "5.1.2", shown + ": not a local recipient (LMTP delivers locally only)");
      case Resolution.NotLocal n -> {
        boolean backup = server.config.relay().relayDomains().contains(domain);
        if (!backup && !trusted) {
          throw new SmtpException(554, "5.7.1", shown + ": Relay access denied");
        }
      }
    }
    recipients.add(new Envelope.Recipient(address, notify, orcpt));
    reply(SmtpReply.RCPT_OK);
  }

  /**
   * Refuses a recipient whose mailbox is full now, before the message is sent (as Postfix does with
   * Dovecot's quota-status policy service): {@code 452 4.2.2}, so the client keeps the message and
   * tries again later. With {@code MAIL FROM ... SIZE=n} a mailbox is full for this message when n
   * bytes would not fit. Only recipients that resolve to mailboxes, all of them full, are refused: an
   * alias with one full member still reaches the others (the queue defers that one copy).
   * {@code postmaster} is never refused here (RFC 5321 §4.5.1). A failing quota lookup accepts: the
   * delivery checks again.
   */
  private void refuseIfMailboxFull(Resolution.Local l, String address, String shown) throws SmtpException {
    if (server.store == null || l.destinations().isEmpty()
        || address.regionMatches(true, 0, "postmaster@", 0, "postmaster@".length())) {
      return;
    }
    String declared = sender.params().get("SIZE");
    long size = declared == null ? 1 : Math.max(1, Long.parseLong(declared)); // validated at MAIL
    for (Destination d : l.destinations()) {
      if (!(d instanceof Destination.Mailbox mb)) {
        return;
      }
      try {
        if (server.store.quota(mb.user()).allows(size, 1)) {
          return;
        }
      } catch (RuntimeException e) {
        log.warn("smtp {}: quota check for {} failed: {}", clientIp, mb.user(), e.toString());
        return;
      }
    }
    log.info("smtp {}: {} refused: mailbox full", clientIp, shown);
    throw new SmtpException(452, "4.2.2", shown + ": Recipient address rejected: Mailbox full");
  }

  private static boolean isOurAddress(String literal) {
    String ip = literal.substring(1, literal.length() - 1);
    if (ip.regionMatches(true, 0, "IPv6:", 0, 5)) {
      ip = ip.substring(5);
    }
    try {
      InetAddress a = InetAddress.getByName(ip);
      return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
    } catch (IOException e) {
      return false;
    }
  }

  // ---- DATA and BDAT -----------------------------------------------------------------------------

  private void data(String arg) throws SmtpException, IOException {
    if (!arg.isBlank()) {
      throw new SmtpException(501, "5.5.4", "Syntax: DATA");
    }
    if (bdat != null) {
      throw new SmtpException(SmtpReply.BAD_SEQUENCE);
    }
    if (sender == null) {
      throw new SmtpException(SmtpReply.NEED_MAIL);
    }
    if (recipients.isEmpty()) {
      throw new SmtpException(SmtpReply.NEED_RCPT);
    }
    DurableSpool.Writer w = openSpool();
    reply(SmtpReply.START_DATA);
    flush();
    DataReader.Result r;
    SpoolSink sink = new SpoolSink(w.out());
    try {
      r = DataReader.read(conn.in(), sink, server.config.limits().messageSize());
    } catch (IOException e) {
      w.abort(); // the client went away: nothing was acknowledged
      throw e;
    }
    if (sink.failure() != null) {
      w.abort();
      resetTransaction();
      log.error("smtp {}: queue file write failed", clientIp, sink.failure());
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
    if (r.tooBig()) {
      w.abort();
      resetTransaction();
      throw new SmtpException(SmtpReply.MESSAGE_TOO_BIG);
    }
    if (r.bareLineEnding()) {
      w.abort();
      resetTransaction();
      log.info("smtp {}: message refused: bare CR or LF (possible SMTP smuggling)", clientIp);
      throw new SmtpException(SmtpReply.BARE_LF);
    }
    finish(w);
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
    if (sender == null || recipients.isEmpty()) {
      conn.in().skipNBytes(n);
      throw new SmtpException(sender == null ? SmtpReply.NEED_MAIL : SmtpReply.NEED_RCPT);
    }
    if (bdat == null) {
      bdat = openSpool();
      bdatSink = new SpoolSink(bdat.out());
      bdatSize = 0;
      bdatFailed = false;
    }
    long max = server.config.limits().messageSize();
    InputStream in = conn.in();
    OutputStream out = bdatSink;
    byte[] buf = new byte[16 * 1024];
    long left = n;
    while (left > 0) {
      int k = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (k < 0) {
        throw new EOFException("connection closed during BDAT");
      }
      if (!bdatFailed && bdatSize + k <= max) {
        out.write(buf, 0, k);
      } else {
        bdatFailed = true;
      }
      bdatSize += k;
      left -= k;
    }
    if (bdatSink.failure() != null) {
      log.error("smtp {}: queue file write failed", clientIp, bdatSink.failure());
      bdat.abort();
      bdat = null;
      resetTransaction();
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
    if (!last) {
      if (bdatFailed) {
        reply(new SmtpReply(552, "5.3.4", "Error: message file too big"));
      } else {
        reply(new SmtpReply(250, "2.0.0", n + " octets received"));
      }
      return;
    }
    DurableSpool.Writer w = bdat;
    bdat = null;
    if (bdatFailed) {
      w.abort();
      resetTransaction();
      throw new SmtpException(SmtpReply.MESSAGE_TOO_BIG);
    }
    finish(w);
  }

  private DurableSpool.Writer openSpool() throws SmtpException {
    try {
      return server.spool.create(DurableSpool.newId());
    } catch (IOException e) {
      log.error("smtp {}: cannot create a queue file", clientIp, e);
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
  }

  /** Checks, commits (durable before the 250) and hands the message to the queue. */
  private void finish(DurableSpool.Writer w) throws SmtpException, IOException {
    Envelope env = envelope(w.id());
    String headers;
    QueueManager.DirectOutcome outcome;
    try {
      InboundCheck.Result verdict =
          server.check.check(
              new dev.postamt.smtp.InboundCheck.Session(conn.service(), clientIp, helo, conn.isTls(), authUser != null),
              env,
              () -> {
                try {
                  return w.openWritten();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      if (!verdict.dropFields().isEmpty()) {
        w.dropHeaderFields(verdict.dropFields());
      }
      headers = verdict.headers() + received(env);
      dev.postamt.queue.QueuedMessage staged = w.stage(env, headers);
      // LMTP answers per recipient and keeps the queue's path
      outcome = lmtp() ? QueueManager.DirectOutcome.NOT_ELIGIBLE : deliverBeforeAck(staged, env);
      if (outcome == QueueManager.DirectOutcome.DELIVERED) {
        w.abort(); // the Maildir copies are durable; the spool file is not needed
      } else {
        w.commitStaged();
      }
    } catch (SmtpException e) {
      w.abort();
      resetTransaction();
      throw e;
    } catch (IOException | UncheckedIOException e) {
      w.abort();
      resetTransaction();
      log.error("smtp {}: queue file write failed", clientIp, e);
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
    log.info(
        "smtp {}: {} from=<{}> to={} queued",
        clientIp,
        env.id(),
        env.sender(),
        env.recipientAddresses());
    resetTransaction();
    SmtpReply ok = new SmtpReply(250, "2.0.0", "Ok: queued as " + env.id());
    if (lmtp()) {
      // RFC 2033 §4.2: one reply per accepted recipient, in order. The message is durable for all
      // of them at once, so the replies are the same.
      for (int i = 0; i < env.recipients().size(); i++) {
        reply(new SmtpReply(250, "2.1.5", "<" + env.recipients().get(i).address() + "> Ok: queued as " + env.id()));
      }
    } else {
      reply(ok);
    }
    switch (outcome) {
      case DELIVERED -> {}
      case NOT_ELIGIBLE -> server.queue.submit(env.id());
      case PARTIAL -> server.queue.submitAfterPartialDelivery(env.id());
    }
  }

  /**
   * When every recipient is a local mailbox, the message goes into the Maildirs before the reply
   * ({@link QueueManager#deliverBeforeAck}); anything unexpected there falls back to the queue, which
   * finds the copies already written by name.
   */
  private QueueManager.DirectOutcome deliverBeforeAck(dev.postamt.queue.QueuedMessage staged, Envelope env) {
    try {
      return server.queue.deliverBeforeAck(staged);
    } catch (RuntimeException e) {
      log.warn("smtp {}: {}: delivery before acknowledging failed, queueing instead: {}", clientIp, env.id(), e.toString());
      return QueueManager.DirectOutcome.PARTIAL;
    }
  }

  private Envelope envelope(String id) {
    Map<String, String> p = sender.params();
    String body = p.getOrDefault("BODY", "7BIT");
    return new Envelope(
        id,
        Instant.now(),
        sender.address(),
        List.copyOf(recipients),
        body == null ? "7BIT" : body.toUpperCase(Locale.ROOT),
        p.containsKey("SMTPUTF8"),
        Optional.ofNullable(p.get("RET")).map(s -> s.toUpperCase(Locale.ROOT)),
        Optional.ofNullable(p.get("ENVID")).map(dev.postamt.queue.Xtext::decode),
        helo,
        clientIp,
        Optional.ofNullable(authUser),
        protocol());
  }

  /** RFC 3848 / RFC 6531 "with" protocol name. */
  private String protocol() {
    if (lmtp()) {
      return "LMTP" + (conn.isTls() ? "S" : "");
    }
    String base = sender != null && sender.params().containsKey("SMTPUTF8") ? "UTF8SMTP" : (esmtp ? "ESMTP" : "SMTP");
    if (base.equals("SMTP")) {
      return "SMTP";
    }
    return base + (conn.isTls() ? "S" : "") + (authUser != null ? "A" : "");
  }

  /** The Received: trace header (RFC 5321 §4.4), folded, CRLF-terminated. */
  private String received(Envelope env) {
    StringBuilder b = new StringBuilder(200);
    b.append("Received: from ").append(sanitize(helo)).append(" ([").append(clientIp).append("])\r\n");
    b.append("\tby ").append(server.config.hostname()).append(" (Postamt) with ").append(env.protocol())
        .append(" id ").append(env.id()).append("\r\n");
    conn.tlsProtocol().ifPresent(
        v -> b.append("\t(using ").append(v).append(" with cipher ").append(conn.tlsCipher().orElse("?")).append(")\r\n"));
    if (env.recipients().size() == 1) {
      b.append("\tfor <").append(sanitize(env.recipients().getFirst().address())).append(">");
    } else {
      b.setLength(b.length() - 2);
    }
    b.append("; ").append(RFC5322_DATE.format(Instant.now().atZone(ZoneId.systemDefault()))).append("\r\n");
    return b.toString();
  }

  private static String sanitize(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c < 32 || c == 127 || c == '(' || c == ')' ? '_' : c);
    }
    return b.toString();
  }

  private boolean lmtp() {
    return server.mode == SmtpServer.Mode.LMTP;
  }

  private void resetTransaction() {
    sender = null;
    recipients.clear();
    if (bdat != null) {
      bdat.abort();
      bdat = null;
    }
  }

  private void abortTransaction() {
    resetTransaction();
  }

  // ---- output ------------------------------------------------------------------------------------

  private void reply(SmtpReply r) throws IOException {
    conn.out().write(r.encode(true));
  }

  private void flush() throws IOException {
    conn.out().flush();
  }
}
