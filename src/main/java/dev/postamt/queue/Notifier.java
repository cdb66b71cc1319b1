package dev.postamt.queue;

import dev.postamt.config.Config;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which delivery status notifications a message's recipient statuses call for and queues
 * them as new messages from the null sender (RFC 3461 §6, RFC 3464).
 *
 * <ul>
 *   <li>failure: a recipient failed permanently, unless it asked NOTIFY=NEVER or a NOTIFY list
 *       without FAILURE;
 *   <li>delay: still deferred after {@code queue.delay_warning} (zero: never), for NOTIFY=DELAY or no
 *       NOTIFY (we treat the default as FAILURE,DELAY, which RFC 3461 §4.1 allows), once;
 *   <li>success: NOTIFY=SUCCESS and we delivered it, or relayed it to a peer without DSN support.
 * </ul>
 *
 * Never to the null sender: a failed message from {@code <>} (a bounce) goes to {@code
 * queue.postmaster} (a bare name qualified with the hostname) instead, and when that "double bounce" fails too it is only logged.
 *
 * <p>Crash safety: the notification gets the queue id {@code <id>N<n>}, where n counts the
 * notifications already recorded for the message. It is committed first, then recorded in the status
 * log ({@link DurableSpool#recordNotice}), and only then handed to the scheduler. A crash in between
 * leaves the committed notification in the spool; the next pass computes the same id, finds it and only
 * records it. The queue manager runs this pass for every message at start-up before it delivers
 * anything, so the notification cannot have left the queue unrecorded.
 */
final class Notifier {
  private static final Logger log = LoggerFactory.getLogger(Notifier.class);
  /** Envelope protocol of our notifications to senders, and of those to the postmaster. */
  static final String PROTOCOL_DSN = "DSN";

  static final String PROTOCOL_DOUBLE_BOUNCE = "DSN-POSTMASTER";

  private final Config config;
  private final DurableSpool spool;

  Notifier(Config config, DurableSpool spool) {
    this.config = config;
    this.spool = spool;
  }

  /** Queues what is due; returns the ids of the notifications to submit for delivery. */
  List<String> notify(QueuedMessage m, Instant now) throws IOException {
    List<String> created = new ArrayList<>();
    int count = m.noticeCount();
    Envelope env = m.envelope();
    for (DsnMessage.Kind kind : DsnMessage.Kind.values()) {
      List<Integer> idx = new ArrayList<>();
      List<DsnMessage.Line> lines = new ArrayList<>();
      for (int i = 0; i < env.recipients().size(); i++) {
        Envelope.Recipient r = env.recipients().get(i);
        RecipientStatus st = m.statuses().get(i);
        Optional<String> action = due(kind, r, st, env, now);
        if (action.isPresent() && !m.notified(i, kind.key())) {
          idx.add(i);
          lines.add(new DsnMessage.Line(r, st, action.get()));
        }
      }
      if (idx.isEmpty()) {
        continue;
      }
      String to = env.sender();
      String protocol = PROTOCOL_DSN;
      if (to.isEmpty()) {
        if (kind != DsnMessage.Kind.FAILURE) {
          continue; // nothing but failures is reported about mail from <>
        }
        if (env.protocol().equals(PROTOCOL_DOUBLE_BOUNCE)) {
          log.warn("queue: {}: undeliverable notice to the postmaster dropped: {}", m.id(), DsnMessage.text(m.statuses().get(idx.getFirst())));
          spool.recordNotice(m.id(), idx, kind.key(), "-");
          continue;
        }
        // Qualified: a bare name would go out unrouted. The router delivers postmaster@hostname locally.
        to = config.queue().postmaster();
        if (to.indexOf('@') < 0) {
          to = to + "@" + config.hostname();
        }
        protocol = PROTOCOL_DOUBLE_BOUNCE;
      }
      String dsnId = m.id() + "N" + (++count);
      if (!spool.exists(dsnId)) {
        write(m, kind, lines, to, protocol, dsnId, now);
      }
      spool.recordNotice(m.id(), idx, kind.key(), dsnId);
      log.info("queue: {}: sender {} notice {} to <{}>", m.id(), kind.key(), dsnId, to);
      DeliveryTrail.notice(config.dataDir(), m.id(), m.envelope(), kind.key(), dsnId, to);
      created.add(dsnId);
    }
    return created;
  }

  /** The DSN Action for this recipient when a notice of {@code kind} is due. */
  private Optional<String> due(DsnMessage.Kind kind, Envelope.Recipient r, RecipientStatus st, Envelope env, Instant now) {
    List<String> notify = r.notifyOn();
    if (notify.contains("NEVER")) {
      return Optional.empty();
    }
    return switch (kind) {
      case FAILURE ->
          st instanceof RecipientStatus.PermFail && (notify.isEmpty() || notify.contains("FAILURE"))
              ? Optional.of("failed")
              : Optional.empty();
      case DELAY -> {
        boolean on = !config.queue().delayWarning().isZero()
            && !env.arrival().plus(config.queue().delayWarning()).isAfter(now)
            && (notify.isEmpty() || notify.contains("DELAY"));
        yield st instanceof RecipientStatus.TempFail && on ? Optional.of("delayed") : Optional.empty();
      }
      case SUCCESS -> {
        if (!(st instanceof RecipientStatus.Delivered d) || !notify.contains("SUCCESS")) {
          yield Optional.empty();
        }
        yield switch (d.kind()) {
          case DELIVERED -> Optional.of("delivered");
          case RELAYED -> Optional.of("relayed");
          case DSN_PASSED_ON -> Optional.empty(); // the next hop reports (RFC 3461 §5.2.2)
        };
      }
    };
  }

  private void write(
      QueuedMessage m, DsnMessage.Kind kind, List<DsnMessage.Line> lines, String to, String protocol, String dsnId, Instant now)
      throws IOException {
    Envelope env = m.envelope();
    boolean full =
        kind == DsnMessage.Kind.FAILURE
            && !env.ret().orElse("FULL").equals("HDRS")
            && m.size() <= config.queue().bounceSizeLimit();
    Instant until = env.arrival().plus(config.queue().maxLifetime());
    try (DurableSpool.Writer w = spool.create(dsnId)) {
      DsnMessage.write(w.out(), config.hostname(), dsnId, m, kind, lines, to, full, now, until, () -> spool.openMessage(m));
      Envelope dsn =
          new Envelope(
              dsnId,
              now,
              "",
              List.of(Envelope.Recipient.of(to)),
              env.body(),
              env.smtpUtf8(),
              Optional.empty(),
              Optional.empty(),
              config.hostname(),
              "",
              Optional.empty(),
              protocol);
      w.commit(dsn, "");
    }
  }
}
