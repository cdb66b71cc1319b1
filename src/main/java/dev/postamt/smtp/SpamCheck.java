package dev.postamt.smtp;

import dev.postamt.config.Spam;
import dev.postamt.filter.Authentication;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.SpamHeaders;
import dev.postamt.filter.SpamScanner;
import dev.postamt.filter.Verdict;
import dev.postamt.mime.HeaderSection;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.queue.Envelope;
import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import dev.postamt.smtp.StageCheck.Decision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The END_OF_DATA spam scan ({@code [spam]}, issue 17): the message, read once up to {@code
 * spam.max_size}, goes through the {@link SpamScanner} before the reply, with what the session knows
 * (client, HELO, envelope, the recipients that are ours, and our own Authentication-Results, which the
 * mail-authentication check prepended just before), and the {@link Verdict}'s action decides:
 *
 * <ul>
 *   <li>inbound, below {@code quarantine}: the {@code X-Spam-*} fields ({@link SpamHeaders}) are added,
 *       {@code X-Spam-Flag: YES} from {@code add_header} on (the default Sieve script files it into Junk);
 *   <li>from {@code quarantine}: held in the quarantine with the fields and the top symbols as its
 *       reason, answered {@code 250};
 *   <li>from {@code reject}: {@code 550 5.7.1 Message refused as spam (score X)}, before anything was
 *       acknowledged, so no bounce is ever sent afterwards;
 *   <li>an authenticated submission: only {@code outbound_reject} counts ({@code 550 5.7.1}, telling the
 *       user the message was not sent); from {@code add_header} it is logged as suspicious. Its
 *       message gets no {@code X-Spam-*} fields (they would tell the world our verdict on our user).
 * </ul>
 *
 * Fields named {@code X-Spam-*} that arrive from outside are always dropped. A scanner that cannot read
 * what it needs (an {@link IOException}) defers the message with {@code 451 4.7.1}; a bug in one check
 * costs only that check ({@link SpamScanner}). A message another check already diverted (a virus held,
 * a policy DISCARD) is not scanned. Each scan is one {@code filter.verdict} event: queue id, action,
 * score, top symbols, threshold, the scan time ({@code scan=1.25ms}: reading the message, the checks
 * and the learners), the size and the client's address.
 * LMTP is not scanned: the MTA in front of it filters, as with amavis before Dovecot.
 */
final class SpamCheck implements StageCheck {
  private static final Logger log = LoggerFactory.getLogger(SpamCheck.class);
  /** How many symbols a log line and a quarantine reason name. */
  static final int TOP = 5;

  private final SmtpServer server;
  private final Spam config;
  /** Perhaps still being built at start: a message waits for it (or is deferred), never scanned half-built. */
  private final PendingSpamScanner scanner;
  private Quarantine quarantine;

  SpamCheck(SmtpServer server, PendingSpamScanner scanner) {
    this.server = server;
    this.config = scanner.config();
    this.scanner = scanner;
  }

  @Override
  public Decision check(StageContext c) throws IOException {
    StageContext.Message m = c.message();
    Envelope env = m.envelope();
    if (m.edits().diversion() != null) {
      return Decision.CONTINUE; // held or discarded by an earlier check: there is nothing left to judge
    }
    ScannedMessage message;
    List<Integer> outside;
    Verdict v;
    long start = System.nanoTime();
    try {
      try (InputStream in = m.content().get()) {
        // a message still in memory is scanned in its own array, not in a copy of it
        byte[] whole = in instanceof dev.postamt.queue.InMemoryMessage.Stream s ? s.unread() : null;
        message = whole != null && whole.length <= config.maxSize() ? ScannedMessage.of(whole)
            : ScannedMessage.read(in, config.maxSize());
      }
      outside = outsideFields(message, m);
      StageContext.Client cl = c.client();
      String ar = m.edits().prepended("Authentication-Results");
      ScanInput input = new ScanInput(message, cl.ip(), cl.helo() == null ? "" : cl.helo(), cl.authUser(), env.sender(),
          env.recipientAddresses(), localRecipients(env, m.resolutions()), ar == null ? Authentication.NONE
              : Authentication.fromHeader(ar, server.config.hostname()), Instant.now());
      SpamScanner complete = scanner.await(); // a starting server may still be building it
      long started = System.nanoTime();
      v = complete.scan(input);
      dev.postamt.metrics.Metrics.process().spamScan(java.time.Duration.ofNanos(System.nanoTime() - started));
    } catch (IOException | UncheckedIOException e) {
      log.warn("spam {}: {} deferred: the scan failed: {}", c.client().ip(), env.id(), e.toString());
      return Decision.refuse(451, "4.7.1", "Spam filter unavailable, try again later");
    } catch (RuntimeException | StackOverflowError e) {
      // a bug of ours outside the checks (the scanner skips a failing check itself): the mail goes on
      // unscanned rather than deferred again and again for the same message
      log.error("spam {}: {} not scanned: the scan failed", c.client().ip(), env.id(), e);
      return Decision.CONTINUE;
    }
    m.edits().drop(outside);
    // One line per scan, the filter.verdict event (docs/spam.md); until 2026-12-05 a line of its own
    // ("spam IP: ID score=… scan=…") said the same beside it. scan= is the whole added latency: reading
    // and parsing the message, the checks, the learners.
    dev.postamt.events.Events.at(server.config.dataDir()).emit(dev.postamt.events.Event.FILTER_VERDICT,
        dev.postamt.events.TrailKey.queue(env.id()).withSender(env.sender()).withRecipients(env.recipientAddresses()),
        "check", "spam", "action", (v.outbound() ? "outbound_" : "") + v.action().word(),
        "score", Verdict.oneDecimal(v.score()), "reason", v.top(TOP),
        "required", Verdict.oneDecimal(v.outbound() ? config.outboundReject() : v.required()),
        "scan", millis(System.nanoTime() - start) + "ms", "size", Long.toString(message.size()),
        "scanned", message.truncated() ? Integer.toString(message.raw().length) : null, "ip", c.client().ip());
    if (v.outbound()) {
      if (v.action() == Verdict.Action.REJECT) {
        return Decision.refuse(550, "5.7.1", "Your message looks like spam (score " + Verdict.oneDecimal(v.score())
            + ") and was not sent");
      }
      if (v.spam()) {
        log.warn("spam {}: {} suspicious submission by {}: score {} ({}), sent", c.client().ip(), env.id(),
            c.client().authUser(), Verdict.oneDecimal(v.score()), v.top(TOP));
      }
      return Decision.CONTINUE;
    }
    switch (v.action()) {
      case REJECT -> {
        return Decision.refuse(550, "5.7.1", "Message refused as spam (score " + Verdict.oneDecimal(v.score()) + ")");
      }
      case QUARANTINE -> {
        m.edits().prepend(SpamHeaders.fields(v));
        String reason = "spam score " + Verdict.oneDecimal(v.score()) + ": " + v.top(TOP);
        String subject = message.first("Subject");
        m.edits().divert((e, held) -> hold(e, held, reason, subject));
        return Decision.CONTINUE;
      }
      default -> {
        m.edits().prepend(SpamHeaders.fields(v));
        return Decision.CONTINUE;
      }
    }
  }

  /** Nanoseconds as milliseconds with two decimals ("%.2f" without a Formatter per message). */
  static String millis(long nanos) {
    long hundredths = Math.round(nanos / 1e4);
    long frac = hundredths % 100;
    return (hundredths / 100) + (frac < 10 ? ".0" : ".") + frac;
  }

  /**
   * The canonical users the envelope recipients reach locally (aliases expanded), in order: for
   * per-user Bayes and lists; what the router said at RCPT ({@code known}), else asked now. A recipient
   * the router cannot resolve now is left out.
   */
  private List<String> localRecipients(Envelope env, java.util.Map<String, Resolution> known) {
    Set<String> users = new LinkedHashSet<>();
    for (String r : env.recipientAddresses()) {
      try {
        Resolution resolved = known.get(r);
        if ((resolved != null ? resolved : server.router.resolve(r)) instanceof Resolution.Local local) {
          for (Destination d : local.destinations()) {
            if (d instanceof Destination.Mailbox mb) {
              users.add(mb.user().toLowerCase(Locale.ROOT));
            }
          }
        }
      } catch (RuntimeException e) {
        log.debug("spam: {}: cannot resolve {}: {}", env.id(), r, e.toString());
      }
    }
    return new ArrayList<>(users);
  }

  /** Positions of {@code X-Spam-*} fields in the received message (read apart when its header was not read whole). */
  private static List<Integer> outsideFields(ScannedMessage message, StageContext.Message m) throws IOException {
    List<HeaderSection.Field> fields;
    if (message.truncated()) {
      try (InputStream in = new java.io.BufferedInputStream(m.content().get())) {
        fields = HeaderSection.read(in).fields();
      }
    } else {
      fields = message.headers().fields();
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      if (SpamHeaders.isOurs(fields.get(i).name())) {
        out.add(i);
      }
    }
    return out;
  }

  private String hold(Envelope env, InputStream message, String reason, String subject) throws IOException {
    quarantine().store(new Quarantine.Entry(env.id(), Instant.now(), env.sender(), env.recipientAddresses(), reason,
        subject, env.clientAddress(), env.body(), env.smtpUtf8(), 0), message);
    return "Ok: " + env.id() + " held";
  }

  private synchronized Quarantine quarantine() throws IOException {
    if (quarantine == null) {
      quarantine = Quarantine.open(server.config);
    }
    return quarantine;
  }
}
