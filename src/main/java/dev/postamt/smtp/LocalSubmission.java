package dev.postamt.smtp;

import dev.postamt.queue.DurableSpool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message submitted from inside the server (JMAP {@code EmailSubmission/set}) by an authenticated
 * user: the same transaction an SMTP client on the submission port runs after AUTH, without the
 * socket. MAIL, each RCPT, DATA and END_OF_DATA go through the submission listener's {@link
 * StageChecks} (sender ownership, relay rules, quota, DKIM signing, antivirus, spam), the data through
 * {@link ContentScanner} and the {@code limits.message_size} limit, and the commit through {@link
 * MessageCommit}: one path for every submitted message. A refusal is the {@link SmtpException} the
 * session would have answered with; nothing is queued then.
 */
public final class LocalSubmission {
  private static final Logger log = LoggerFactory.getLogger(LocalSubmission.class);
  /** The {@code service} the checks see, and the HELO name of the Received field. */
  public static final String SERVICE = "jmap";

  private LocalSubmission() {}

  /**
   * Queues {@code message} from {@code mailFrom} (may be empty: the null sender) to {@code rcptTo} as
   * {@code authUser} would over the submission port of {@code server}; returns the queue id.
   */
  public static String submit(SmtpServer server, String authUser, String mailFrom, List<String> rcptTo, byte[] message)
      throws SmtpException {
    try {
      return run(server, authUser, mailFrom, rcptTo, message);
    } catch (IOException | UncheckedIOException e) {
      log.error("submission from {}: failed", authUser, e);
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
  }

  private static String run(SmtpServer server, String authUser, String mailFrom, List<String> rcptTo, byte[] message)
      throws SmtpException, IOException {
    if (server.mode != SmtpServer.Mode.SUBMISSION) {
      throw new IllegalArgumentException("not a submission listener");
    }
    if (rcptTo.isEmpty()) {
      throw new SmtpException(SmtpReply.NEED_RCPT);
    }
    InetAddress loopback = InetAddress.getLoopbackAddress();
    StageContext.Client client = new StageContext.Client(
        server.mode, SERVICE, loopback, loopback.getHostAddress(), false, server.config.hostname(), true, authUser,
        dev.postamt.events.TrailKey.newSession());
    // RFC 6152: 8-bit data is declared, as a client would with BODY=8BITMIME
    MailPath from = MailPath.parse("<" + mailFrom + ">" + (eightBit(message) ? " BODY=8BITMIME" : ""), true);
    EnvelopeParameters.checkMail(from, server.config.limits().messageSize());
    server.checks.require(new StageContext(Stage.MAIL, client, from, null, List.of(), null));
    Transaction tx = new Transaction(from);
    RecipientLookup lookup = new RecipientLookup(server.router, server.config.hostname());
    for (String address : rcptTo) {
      if (tx.acceptedCount() >= server.config.limits().recipients()) {
        throw new SmtpException(SmtpReply.TOO_MANY_RECIPIENTS);
      }
      MailPath to = MailPath.parse("<" + address + ">", false);
      EnvelopeParameters.Rcpt params = EnvelopeParameters.checkRcpt(to, tx.sender);
      StageContext.Recipient r = lookup.resolve(to);
      server.checks.require(new StageContext(Stage.RCPT, client, tx.sender, r, tx.recipients(), null, tx.policyEffects));
      tx.add(r, new dev.postamt.queue.Envelope.Recipient(
          r.address(), NoticeRequests.notify(params.notifyOn(), true), params.orcpt()));
    }
    server.checks.require(new StageContext(Stage.DATA, client, tx.sender, null, tx.recipients(), null));
    if (message.length > server.config.limits().messageSize()) {
      throw new SmtpException(SmtpReply.MESSAGE_TOO_BIG);
    }
    DurableSpool.Writer w;
    try {
      w = server.spool.create(DurableSpool.newId());
    } catch (IOException e) {
      log.error("submission from {}: cannot create a queue file", authUser, e);
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
    ContentScanner scanner = new ContentScanner(w.out(), server.config.limits().headerSize());
    try {
      scanner.write(message, 0, message.length);
      scanner.flush();
    } catch (IOException e) {
      w.abort();
      log.error("submission from {}: queue file write failed", authUser, e);
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
    SmtpReply bad = switch (scanner.verdict()) {
      case NONE -> null;
      case BARE_LINE_ENDING -> SmtpReply.BARE_LF;
      case NUL -> SmtpReply.NUL_IN_DATA;
      case HEADER_TOO_LARGE -> SmtpReply.HEADER_TOO_BIG;
    };
    if (bad != null) {
      w.abort();
      throw new SmtpException(bad);
    }
    new MessageCommit(server, null).finish(w, tx, client, true);
    return w.id();
  }

  private static boolean eightBit(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return true;
      }
    }
    return false;
  }
}
