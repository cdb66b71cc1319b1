package dev.postamt.smtp;

import dev.postamt.policy.Effect;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access-map actions that change the message (Postfix access(5)), applied once it is received,
 * whichever recipient's check asked for them, to the whole message as Postfix does:
 *
 * <ul>
 *   <li>{@code PREPEND field}: the header field in front of the message;
 *   <li>{@code DISCARD}: answered 250, delivered to no one (it wins over everything else);
 *   <li>{@code REDIRECT address}: every recipient replaced by the address (the last one asked for);
 *   <li>{@code HOLD}: queued on hold, delivered only after {@code postamt queue release}.
 * </ul>
 *
 * DISCARD, REDIRECT and HOLD divert the message ({@link MessageEdits#divert}): REDIRECT and HOLD write it
 * as a new queue file under a new id (durable before the 250), which the reply names.
 */
final class PolicyEffects {
  private static final Logger log = LoggerFactory.getLogger(PolicyEffects.class);
  private final SmtpServer server;

  PolicyEffects(SmtpServer server) {
    this.server = server;
  }

  void apply(List<Effect> effects, StageContext.Message message, String clientIp) {
    StringBuilder fields = new StringBuilder();
    boolean discard = false;
    boolean hold = false;
    String redirect = null;
    for (Effect e : effects) {
      switch (e.kind()) {
        case PREPEND -> fields.append(e.value()).append("\r\n");
        case DISCARD -> discard = true;
        case HOLD -> hold = true;
        case REDIRECT -> redirect = e.value();
        default -> {}
      }
    }
    if (!fields.isEmpty()) {
      message.edits().prepend(fields.toString());
    }
    if (discard) {
      message.edits().divert((env, in) -> {
        log.info("policy: {}: {} from=<{}> to={} discarded by an access map", clientIp, env.id(), env.sender(), env.recipientAddresses());
        return "Ok: " + env.id() + " discarded";
      });
    } else if (hold || redirect != null) {
      boolean held = hold;
      String to = redirect;
      message.edits().divert((env, in) -> requeue(env, in, to, held, clientIp));
    }
  }

  /** The message as a new queue file: for {@code to} only when given, on hold when {@code held}. */
  private String requeue(Envelope env, InputStream in, String to, boolean held, String clientIp) throws IOException {
    String id = DurableSpool.newId();
    List<Envelope.Recipient> recipients = to == null ? env.recipients() : List.of(Envelope.Recipient.of(to));
    Envelope out = new Envelope(id, env.arrival(), env.sender(), recipients, env.body(), env.smtpUtf8(), env.ret(), env.envid(),
        env.clientHelo(), env.clientAddress(), env.authUser(), env.protocol(), env.requireTls());
    try (DurableSpool.Writer w = server.spool.create(id)) {
      in.transferTo(w.out());
      w.commit(out, "");
    }
    if (held) {
      server.spool.setHeld(id, true);
    } else {
      server.queue.submit(id);
    }
    log.info("policy: {}: {} from=<{}> to={} {}{} as {}", clientIp, env.id(), env.sender(), env.recipientAddresses(),
        to == null ? "" : "redirected to <" + to + ">", held ? (to == null ? "held" : " and held") : "", id);
    return "Ok: queued as " + id + (held ? " (on hold)" : "");
  }
}
