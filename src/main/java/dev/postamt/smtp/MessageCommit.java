package dev.postamt.smtp;

import dev.postamt.net.Connection;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import dev.postamt.queue.QueueManager;
import dev.postamt.queue.QueuedMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The end of a received message: the END_OF_DATA checks, the commit (durable before the {@code 250}),
 * the reply (one per recipient for LMTP) and the hand-over to the queue. {@code conn} is null for a
 * {@link LocalSubmission}: then nothing is written back.
 */
record MessageCommit(SmtpServer server, Connection conn) {
  private static final Logger log = LoggerFactory.getLogger(MessageCommit.class);

  /**
   * Checks, commits and answers. The spool file is gone afterwards either way: committed, delivered,
   * or aborted with the refusal thrown. The checks and the delivery before the reply are one decision of
   * the directory ({@link OneLook}).
   */
  void finish(DurableSpool.Writer w, Transaction tx, StageContext.Client client, boolean esmtp)
      throws SmtpException, IOException {
    OneLook.run(() -> commit(w, tx, client, esmtp));
  }

  private void commit(DurableSpool.Writer w, Transaction tx, StageContext.Client client, boolean esmtp)
      throws SmtpException, IOException {
    boolean lmtp = client.lmtp();
    Envelope env = envelope(w.id(), tx, client, esmtp);
    QueueManager.DirectOutcome outcome;
    QueuedMessage committed = null;
    long t0 = System.nanoTime();
    long checked;
    long staged;
    try {
      MessageEdits edits = new MessageEdits();
      StageContext.Message message =
          new StageContext.Message(
              env,
              () -> {
                try {
                  return w.openWritten();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              edits,
              tx.resolutions());
      server.checks.require(new StageContext(Stage.END_OF_DATA, client, tx.sender, null, env.recipients(), message, tx.policyEffects));
      checked = System.nanoTime();
      if (!edits.dropFields().isEmpty()) {
        w.dropHeaderFields(edits.dropFields());
      }
      String headers = edits.headers() + TraceHeader.received(client.helo(), client.ip(), server.config.hostname(), conn, env);
      if (edits.diversion() != null) {
        divert(edits.diversion(), w, env, headers, tx, lmtp);
        return;
      }
      String messageId = dev.postamt.events.MessageIds.find(w.openWritten()); // for the trail, before the file moves
      QueuedMessage stagedMessage = w.stage(env, headers);
      staged = System.nanoTime();
      dev.postamt.events.Events.at(server.config.dataDir()).emit(dev.postamt.events.Event.QUEUE_QUEUED, dev.postamt.events.TrailKey.queue(env.id()).withMessageId(messageId).withSender(env.sender()).withRecipients(env.recipientAddresses()));
      // LMTP answers per recipient and keeps the queue's path
      outcome = lmtp ? QueueManager.DirectOutcome.NOT_ELIGIBLE : deliverBeforeAck(stagedMessage, env, client.ip(), tx);
      if (outcome == QueueManager.DirectOutcome.DELIVERED) {
        w.abort(); // the Maildir copies are durable; the spool file is not needed
      } else {
        committed = w.commitStaged();
      }
    } catch (SmtpException e) {
      w.abort();
      throw e;
    } catch (IOException | UncheckedIOException e) {
      w.abort();
      log.error("smtp {}: queue file write failed", client.ip(), e);
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    } catch (RuntimeException e) {
      // A check that trips over its input is our bug: nothing was acknowledged, the client may retry,
      // and the session goes on instead of ending without a reply.
      w.abort();
      log.error("smtp {}: end-of-data check failed", client.ip(), e);
      throw new SmtpException(SmtpReply.LOCAL_ERROR);
    }
    if (log.isDebugEnabled()) {
      // Where the wall time before the reply went (docs/queue.md): the checks (spam and virus scans),
      // writing the envelope and headers, then the Maildir copies or the queue's commit, with their fsyncs.
      long done = System.nanoTime();
      log.debug("smtp {}: {} before the reply: checks {} ms, spool {} ms, {} {} ms", client.ip(), env.id(),
          millis(checked - t0), millis(staged - checked),
          outcome == QueueManager.DirectOutcome.DELIVERED ? "mailboxes" : "queue commit", millis(done - staged));
    }
    // A LocalSubmission has no session, so no smtp.accepted event: this line is its record. On a connection
    // the smtp.accepted event that follows says this (queue, from, to, ip) and more: debug only.
    Level queuedLevel = conn == null ? Level.INFO : Level.DEBUG;
    if (log.isEnabledForLevel(queuedLevel)) {
      log.atLevel(queuedLevel).log("smtp {}: {} from=<{}> to={} queued", client.ip(), env.id(), env.sender(),
          env.recipientAddresses());
    }
    dev.postamt.metrics.Metrics.process().messageReceived(service(lmtp));
    if (lmtp) {
      // RFC 2033 §4.2: one reply per accepted RCPT, in order, a repeated one included. The message
      // is durable for all of them at once, so the replies are the same.
      for (String address : tx.acceptedAddresses()) {
        reply(new SmtpReply(250, "2.1.5", "<" + address + "> Ok: queued as " + env.id()));
      }
    } else {
      reply(new SmtpReply(250, "2.0.0", "Ok: queued as " + env.id()));
    }
    switch (outcome) {
      case DELIVERED -> {}
      case NOT_ELIGIBLE -> server.queue.submit(committed);
      case PARTIAL -> server.queue.submitAfterPartialDelivery(env.id());
    }
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  /** The {@code service} label of the received-messages counter. */
  private String service(boolean lmtp) {
    return lmtp || server.mode == SmtpServer.Mode.LMTP ? "lmtp" : server.mode == SmtpServer.Mode.SUBMISSION ? "submission" : "smtp";
  }

  /** A message a check kept from the queue (quarantine, discard): taken, then answered 250. */
  private void divert(MessageEdits.Diversion d, DurableSpool.Writer w, Envelope env, String headers, Transaction tx, boolean lmtp)
      throws IOException {
    w.journal(env, headers); // a quarantined or discarded message was received too: journalled before the 250
    String text;
    try (java.io.InputStream in = new java.io.SequenceInputStream(
        new java.io.ByteArrayInputStream(headers.getBytes(java.nio.charset.StandardCharsets.UTF_8)), w.openWritten())) {
      text = d.take(env, in);
    }
    dev.postamt.events.Events.at(server.config.dataDir()).emit(dev.postamt.events.Event.QUARANTINE_HELD, dev.postamt.events.TrailKey.queue(env.id()).withSender(env.sender()).withRecipients(env.recipientAddresses()), "reason", text);
    w.abort();
    dev.postamt.metrics.Metrics.process().messageReceived(service(lmtp));
    if (lmtp) {
      for (String address : tx.acceptedAddresses()) {
        reply(new SmtpReply(250, "2.1.5", "<" + address + "> " + text));
      }
    } else {
      reply(new SmtpReply(250, "2.0.0", text));
    }
  }

  /**
   * When every recipient is a local mailbox, the message goes into the Maildirs before the reply
   * ({@link QueueManager#deliverBeforeAck}); anything unexpected there falls back to the queue, which
   * finds the copies already written by name.
   */
  private QueueManager.DirectOutcome deliverBeforeAck(QueuedMessage staged, Envelope env, String clientIp, Transaction tx) {
    try {
      return server.queue.deliverBeforeAck(staged, tx.resolutions());
    } catch (RuntimeException e) {
      log.warn("smtp {}: {}: delivery before acknowledging failed, queueing instead: {}", clientIp, env.id(), e.toString());
      return QueueManager.DirectOutcome.PARTIAL;
    }
  }

  private static Envelope envelope(String id, Transaction tx, StageContext.Client client, boolean esmtp) {
    Map<String, String> p = tx.sender.params();
    String body = p.getOrDefault("BODY", "7BIT");
    boolean smtputf8 = p.containsKey("SMTPUTF8");
    return new Envelope(
        id,
        Instant.now(),
        tx.sender.address(),
        List.copyOf(tx.recipients()),
        body == null ? "7BIT" : body.toUpperCase(Locale.ROOT),
        smtputf8,
        NoticeRequests.ret(Optional.ofNullable(p.get("RET")), client.trusted()),
        Optional.ofNullable(p.get("ENVID")).map(dev.postamt.queue.Xtext::decode),
        client.helo(),
        client.ip(),
        Optional.ofNullable(client.authUser()),
        TraceHeader.protocol(client.lmtp(), esmtp, smtputf8, client.tls(), client.authUser() != null),
        p.containsKey("REQUIRETLS"));
  }

  private void reply(SmtpReply r) throws IOException {
    if (conn == null) {
      return; // LocalSubmission: the caller learns the outcome from finish returning
    }
    conn.out().write(r.encode(true));
  }
}
