package dev.postamt.reports;

import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Queues a report message in the durable spool like any other mail (so it is retried, bounced and
 * traced as usual), then tells the queue about it: in the server its {@code submit}, from the command
 * line a request to the running server (or nothing: the server finds it at start).
 */
public final class SpoolOutbox implements DmarcReportSender.Outbox {
  private final DurableSpool spool;
  private final String hostname;
  private final Consumer<String> submit;

  public SpoolOutbox(DurableSpool spool, String hostname, Consumer<String> submit) {
    this.spool = spool;
    this.hostname = hostname;
    this.submit = submit;
  }

  @Override
  public String queue(String sender, List<String> recipients, byte[] message) throws IOException {
    String id = DurableSpool.newId();
    Envelope env = new Envelope(id, Instant.now(), sender, recipients.stream().map(Envelope.Recipient::of).toList(),
        "7BIT", false, Optional.empty(), Optional.empty(), hostname, "", Optional.empty(), "ESMTP");
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write(message);
      w.commit(env, "");
    }
    submit.accept(id);
    return id;
  }
}
