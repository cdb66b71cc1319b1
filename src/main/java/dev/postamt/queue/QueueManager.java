package dev.postamt.queue;

import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import dev.postamt.routing.Router;
import dev.postamt.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schedules the spooled messages: the first attempt right after the commit, retries on the back-off
 * schedule ({@code queue.retry}, the last step repeating) until {@code queue.max_lifetime}, at most
 * {@code queue.parallel} messages at once. Each attempt is restartable: outcomes are recorded per
 * recipient before the message is removed, and a recipient already delivered is never tried again.
 */
public final class QueueManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueueManager.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final Config config;
  private final DurableSpool spool;
  private final Router router;
  private final LocalTransport local;
  private final RemoteTransport remote;
  private final Notifier notifier;
  private final DelayQueue<Due> due = new DelayQueue<>();
  private final Set<String> running = ConcurrentHashMap.newKeySet();
  /** Messages asked for (flush, requeue) while an attempt was running: tried again right after it. */
  private final Set<String> again = ConcurrentHashMap.newKeySet();
  private final Set<String> recovered = ConcurrentHashMap.newKeySet();
  /** Just-committed messages with their bytes, for their first attempt ({@link #submit(QueuedMessage)}). */
  private final FreshMessages fresh = new FreshMessages();
  private final Semaphore slots;
  private final Thread dispatcher;
  private volatile boolean closed;

  public QueueManager(
      Config config, DurableSpool spool, Router router, LocalTransport local, RemoteTransport remote) {
    this.config = config;
    this.spool = spool;
    this.router = router;
    this.local = local;
    this.remote = remote;
    this.notifier = new Notifier(config, spool);
    this.slots = new Semaphore(config.queue().parallel());
    this.dispatcher = Thread.ofPlatform().name("queue-dispatch").daemon(true).unstarted(this::dispatch);
  }

  /** Recovers the spool after a crash and schedules everything in it. */
  public void start() throws IOException {
    int dropped = spool.recover();
    if (dropped > 0) {
      log.info("queue: removed {} unacknowledged partial message(s)", dropped);
    }
    Instant now = Instant.now();
    // Before anything is delivered: finish what a crash interrupted between recording outcomes,
    // queueing notices and removing the message (see Notifier on why this order matters).
    for (String id : spool.ids()) {
      Optional<QueuedMessage> m = spool.load(id);
      if (m.isPresent() && !m.get().held()) {
        notifier.notify(m.get(), now);
        if (m.get().done()) {
          spool.remove(id);
        }
      }
    }
    List<String> ids = spool.ids();
    for (String id : ids) {
      recovered.add(id); // a previous run may have delivered part of it: check before writing
      Optional<QueuedMessage> m = spool.load(id);
      m.ifPresent(q -> schedule(id, nextDue(q).orElse(now)));
    }
    if (!ids.isEmpty()) {
      log.info("queue: {} message(s) recovered from the spool", ids.size());
    }
    dispatcher.start();
  }

  /** What {@link #deliverBeforeAck} did. */
  public enum DirectOutcome {
    /** Every recipient's copy is in its Maildir, fsync'd: acknowledge, and the spool file can go. */
    DELIVERED,
    /** Nothing was written: commit the message to the queue as usual. */
    NOT_ELIGIBLE,
    /** Some copies may be written: commit it, then {@link #submitAfterPartialDelivery}. */
    PARTIAL
  }

  /**
   * Delivers a message that is not yet committed straight into its recipients' Maildirs, before the
   * SMTP server acknowledges it, as Dovecot's LMTP does: when every recipient is a local mailbox (no
   * alias to a remote address, command or file) and none asked for NOTIFY=SUCCESS, the copies in the
   * Maildirs (file and {@code new/} fsync'd) are what makes the {@code 250} safe, and the spool file
   * never needs an fsync of its own: two fsyncs per message instead of four. A crash before the reply
   * loses nothing the client was told was accepted; at worst the client sends it again, as with a
   * crash between the queue's commit and the reply.
   */
  public DirectOutcome deliverBeforeAck(QueuedMessage m) {
    return deliverBeforeAck(m, Map.of());
  }

  /** {@link #deliverBeforeAck(QueuedMessage)} with what the router said at RCPT, by recipient address. */
  public DirectOutcome deliverBeforeAck(QueuedMessage m, Map<String, Resolution> known) {
    if (m.held()) {
      return DirectOutcome.NOT_ELIGIBLE;
    }
    List<String> rcpts = m.envelope().recipientAddresses();
    List<List<Destination>> plan = new ArrayList<>();
    ExpandedRecipients expanded = ExpandedRecipients.of(router, m.envelope(), known);
    for (int i = 0; i < rcpts.size(); i++) {
      if (m.envelope().recipients().get(i).notifyOn().contains("SUCCESS")) {
        return DirectOutcome.NOT_ELIGIBLE;
      }
      if (!(expanded.resolution(i) instanceof Resolution.Local l) || l.destinations().isEmpty()
          || !l.destinations().stream().allMatch(d -> d instanceof Destination.Mailbox)) {
        return DirectOutcome.NOT_ELIGIBLE;
      }
      final int index = i;
      plan.add(l.destinations().stream().filter(d -> !expanded.duplicate(index, d)).toList());
    }
    Instant now = Instant.now();
    if (!deliverCopies(m, rcpts, plan)) {
      return DirectOutcome.PARTIAL; // the queue tries again and reports, finding what was written
    }
    for (int i = 0; i < rcpts.size(); i++) {
      log.info("queue: {}: to=<{}> {}", m.id(), rcpts.get(i),
          describe(new RecipientStatus.Delivered(now, "2.0.0 delivered to maildir before acknowledging")));
      DeliveryTrail.outcome(config.dataDir(), m.id(), m.envelope(), rcpts.get(i), new RecipientStatus.Delivered(now, "2.0.0 delivered to maildir before acknowledging"));
      dev.postamt.metrics.Metrics.process().delivery(dev.postamt.metrics.Metrics.Outcome.DELIVERED);
    }
    return DirectOutcome.DELIVERED;
  }

  /**
   * Writes every copy of {@link #deliverBeforeAck}'s plan; true when each was delivered. One copy on the
   * caller's thread; several side by side, one virtual thread each: each copy waits for its own file's
   * and its {@code new/}'s fsync, and one after the other a message to five mailboxes waited for ten
   * fsyncs in a row before its {@code 250}; side by side the file system commits them together.
   */
  private boolean deliverCopies(QueuedMessage m, List<String> rcpts, List<List<Destination>> plan) {
    record Copy(int index, Destination dest) {}
    List<Copy> copies = new ArrayList<>();
    for (int i = 0; i < rcpts.size(); i++) {
      for (Destination d : plan.get(i)) {
        copies.add(new Copy(i, d));
      }
    }
    if (copies.size() == 1) {
      Copy c = copies.getFirst();
      return local.deliver(m, c.index(), rcpts.get(c.index()), c.dest(), false) instanceof RecipientStatus.Delivered;
    }
    List<java.util.concurrent.Future<RecipientStatus>> results = new ArrayList<>();
    try (var each = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (Copy c : copies) {
        results.add(each.submit(() -> local.deliver(m, c.index(), rcpts.get(c.index()), c.dest(), false)));
      }
    } // close() waits for every copy
    boolean all = true;
    for (var r : results) {
      try {
        all &= r.get() instanceof RecipientStatus.Delivered;
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return all;
  }

  /** Like {@link #submit}, for a message some of whose copies may already be in their Maildirs. */
  public void submitAfterPartialDelivery(String id) {
    recovered.add(id);
    submit(id);
  }

  /** A message was just committed: try it now. */
  public void submit(String id) {
    schedule(id, Instant.now());
  }

  /**
   * A message was just committed ({@link DurableSpool.Writer#commitStaged}): try it now,
   * and when its bytes are still in memory take it from there at that first attempt instead of reading
   * back the file just written (its trailer, then the message to send; {@link FreshMessages}). Every
   * later attempt reads the spool file.
   */
  public void submit(QueuedMessage committed) {
    fresh.keep(committed);
    submit(committed.id());
  }

  /**
   * The message as {@link #submit(QueuedMessage)} left it, when it is still in {@code active/} (not held
   * or removed meanwhile: those move or delete the file, and the spool's record decides), else as loaded
   * from the spool.
   */
  private Optional<QueuedMessage> load(String id) throws IOException {
    QueuedMessage m = fresh.take(id);
    if (m != null && Files.exists(m.file())) {
      return Optional.of(m);
    }
    return spool.load(id);
  }

  /** Like {@code postqueue -f}: every deferred message is due now. */
  public int flush() throws IOException {
    int n = 0;
    for (String id : spool.ids()) {
      schedule(id, Instant.now());
      n++;
    }
    return n;
  }

  /**
   * Like {@code postsuper -r}: forgets the back-off of the message's deferred recipients and tries it
   * now. False when there is no such message.
   */
  public boolean requeue(String id) throws IOException {
    Optional<QueuedMessage> m = spool.load(id);
    if (m.isEmpty()) {
      return false;
    }
    resetDeferred(spool, m.get());
    if (!m.get().held()) {
      submit(id);
    }
    return true;
  }

  /** Marks deferred recipients as scheduled again (attempt count and next time forgotten). */
  static void resetDeferred(DurableSpool spool, QueuedMessage m) throws IOException {
    List<Integer> deferred = new ArrayList<>();
    for (int i = 0; i < m.statuses().size(); i++) {
      if (m.statuses().get(i) instanceof RecipientStatus.TempFail) {
        deferred.add(i);
      }
    }
    if (!deferred.isEmpty()) {
      spool.record(m.id(), deferred, new RecipientStatus.Scheduled());
    }
  }

  private void schedule(String id, Instant at) {
    due.removeIf(d -> d.id.equals(id));
    due.add(new Due(id, at));
  }

  private void dispatch() {
    while (!closed) {
      try {
        Due d = due.take();
        if (!running.add(d.id)) {
          // Being delivered right now. The attempt ends by scheduling its own retry, which would
          // replace a flush scheduled now; so remember the request and honour it after the attempt.
          again.add(d.id);
          if (!running.contains(d.id) && again.remove(d.id)) {
            schedule(d.id, Instant.now()); // the attempt finished in between
          }
          continue;
        }
        try {
          slots.acquire();
        } catch (InterruptedException e) {
          running.remove(d.id);
          return;
        }
        Thread.ofVirtual()
            .name("deliver-" + d.id)
            .start(
                () -> {
                  try {
                    process(d.id);
                  } catch (Exception e) {
                    if (closed) {
                      log.info("queue: {}: delivery attempt ended by shutdown: {}", d.id, e.toString());
                      return;
                    }
                    log.error("queue: {}: delivery attempt failed", d.id, e);
                    schedule(d.id, Instant.now().plus(config.queue().retry().getFirst()));
                  } finally {
                    running.remove(d.id);
                    slots.release();
                    if (again.remove(d.id)) {
                      schedule(d.id, Instant.now());
                    }
                  }
                });
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** One delivery attempt for every recipient of {@code id} that is due. */
  void process(String id) throws IOException {
    Optional<QueuedMessage> loaded = load(id);
    if (loaded.isEmpty()) {
      return; // deleted meanwhile
    }
    QueuedMessage m = loaded.get();
    if (m.held()) {
      return;
    }
    Instant now = Instant.now();
    boolean retry = recovered.contains(id);
    List<RemoteTransport.Target> remoteTargets = new ArrayList<>();
    Map<Integer, List<RecipientStatus>> outcomes = new HashMap<>();
    boolean onlyMailboxes = true; // every destination a Maildir: redelivery after a crash is detected
    List<String> rcpts = m.envelope().recipientAddresses();
    ExpandedRecipients expanded = ExpandedRecipients.of(router, m.envelope());
    for (int i = 0; i < rcpts.size(); i++) {
      RecipientStatus st = m.statuses().get(i);
      if (st.done()) {
        continue;
      }
      boolean wasTried = st instanceof RecipientStatus.TempFail;
      String rcpt = rcpts.get(i);
      Resolution r = expanded.resolution(i);
      List<RecipientStatus> list = outcomes.computeIfAbsent(i, k -> new ArrayList<>());
      switch (r) {
        case Resolution.NotLocal n -> {
          onlyMailboxes = false;
          if (expanded.duplicateRemote(i)) {
            list.add(expanded.duplicateRemoteStatus(i, now));
          } else {
            remoteTargets.add(new RemoteTransport.Target(i, rcpt, m.envelope().sender()));
          }
        }
        case Resolution.Unknown u -> list.add(new RecipientStatus.PermFail(now, "5.1.1 <" + rcpt + ">: " + u.reason()));
        case Resolution.TempFail t -> list.add(new RecipientStatus.TempFail(now, 0, "4.3.0 " + t.reason()));
        case Resolution.Local l -> {
          for (Destination d : l.destinations()) {
            onlyMailboxes &= d instanceof Destination.Mailbox;
            if (expanded.duplicate(i, d)) {
              list.add(expanded.duplicateStatus(i, d, now));
            } else if (d instanceof Destination.Remote rem) {
              forwarded(m, i, rem).ifPresentOrElse(remoteTargets::add, () -> list.add(new RecipientStatus.TempFail(
                  now, 0, "4.3.0 cannot rewrite the sender with SRS; see the server log")));
            } else {
              list.add(local.deliver(m, i, rcpt, d, retry || wasTried));
            }
          }
        }
      }
    }
    if (!remoteTargets.isEmpty()) {
      List<RecipientStatus> res = remote.deliver(m, remoteTargets);
      for (int k = 0; k < remoteTargets.size(); k++) {
        outcomes.computeIfAbsent(remoteTargets.get(k).index(), x -> new ArrayList<>()).add(res.get(k));
      }
    }
    if (allDeliveredQuietly(m, outcomes)) {
      // The common case: every recipient is now in its Maildir or accepted by the next hop, and nobody
      // asked for a success notice, so the message's removal is its last record: no status record.
      // Only Maildirs: if this removal is lost in a crash, the message comes back at start-up as
      // recovered, and local delivery finds each copy already there (Maildir.contains), so the removal
      // need not be durable. A copy went out to another server: the removal is made durable (one
      // directory fsync) instead of recording "relayed" (a status file's fsync and its directory's).
      // A crash before it brings the message back and it is sent again, as a crash before that record
      // would: the next hop has accepted it before either can be written (RFC 5321 §6.1, a duplicate
      // rather than a loss).
      for (int i = 0; i < rcpts.size(); i++) {
        RecipientStatus done = combine(outcomes.getOrDefault(i, List.of(m.statuses().get(i))), now);
        log.info("queue: {}: to=<{}> {}", id, rcpts.get(i), describe(done));
        DeliveryTrail.outcome(config.dataDir(), id, m.envelope(), rcpts.get(i), done);
        if (outcomes.containsKey(i)) {
          count(done); // as record() counts; a recipient done in an earlier attempt was counted then
        }
      }
      if (onlyMailboxes) {
        spool.removeDone(id);
      } else {
        spool.remove(id);
      }
      recovered.remove(id);
      return;
    }
    record(m, outcomes, now);
  }

  /**
   * The copy an alias or {@code .forward} sends to a remote address: it goes out with the sender
   * rewritten by SRS ({@code [srs]}), so that the next hop's SPF check sees our domain and its bounces
   * come back to us. Worked out at each attempt from the envelope and the tables, so nothing about it
   * needs to be in the spool. Empty when the key file cannot be read: the copy waits (never goes out
   * unrewritten, where SPF would have it refused).
   */
  private Optional<RemoteTransport.Target> forwarded(QueuedMessage m, int index, Destination.Remote rem) {
    String sender = m.envelope().sender();
    String rewritten;
    try {
      rewritten = router.srs().forward(sender);
    } catch (java.io.UncheckedIOException e) {
      log.error("queue: {}: to=<{}>: {}", m.id(), rem.address(), e.getMessage());
      return Optional.empty();
    }
    if (!rewritten.equals(sender)) {
      log.info("queue: {}: to=<{}> forwarded for <{}> with the SRS sender <{}>", m.id(), rem.address(),
          m.envelope().recipients().get(index).address(), rewritten);
    }
    return Optional.of(new RemoteTransport.Target(index, rem.address(), rewritten));
  }

  /** Whether every recipient ends delivered in this attempt and none asked for NOTIFY=SUCCESS. */
  private static boolean allDeliveredQuietly(QueuedMessage m, Map<Integer, List<RecipientStatus>> outcomes) {
    List<Envelope.Recipient> rcpts = m.envelope().recipients();
    for (int i = 0; i < rcpts.size(); i++) {
      if (rcpts.get(i).notifyOn().contains("SUCCESS")) {
        return false;
      }
      List<RecipientStatus> now = outcomes.get(i);
      if (now == null) {
        if (!(m.statuses().get(i) instanceof RecipientStatus.Delivered)) {
          return false;
        }
        continue;
      }
      if (now.isEmpty() || !now.stream().allMatch(s -> s instanceof RecipientStatus.Delivered)) {
        return false;
      }
    }
    return true;
  }

  /** Combines the outcomes per recipient (any temporary failure wins, then permanent) and records them. */
  private void record(QueuedMessage m, Map<Integer, List<RecipientStatus>> outcomes, Instant now) throws IOException {
    Map<String, List<Integer>> grouped = new HashMap<>();
    Map<String, RecipientStatus> byKey = new HashMap<>();
    for (var e : outcomes.entrySet()) {
      int i = e.getKey();
      RecipientStatus combined = combine(e.getValue(), now);
      if (combined instanceof RecipientStatus.TempFail t) {
        int attempts =
            m.statuses().get(i) instanceof RecipientStatus.TempFail prev ? prev.attempts() + 1 : 1;
        List<Duration> sched = config.queue().retry();
        Duration wait = sched.get(Math.min(attempts - 1, sched.size() - 1));
        if (m.envelope().arrival().plus(config.queue().maxLifetime()).isBefore(now)) {
          combined = new RecipientStatus.PermFail(now, expiredStatus(t.reason()) + " delivery time expired; last error: " + t.reason());
        } else {
          combined = new RecipientStatus.TempFail(now.plus(wait), attempts, t.reason());
        }
      }
      count(combined);
      String key = combined.toString();
      grouped.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      byKey.put(key, combined);
    }
    for (var g : grouped.entrySet()) {
      spool.record(m.id(), g.getValue(), byKey.get(g.getKey()));
    }
    QueuedMessage after = spool.load(m.id()).orElse(null);
    if (after == null) {
      return;
    }
    for (int i = 0; i < after.statuses().size(); i++) {
      log.info("queue: {}: to=<{}> {}", m.id(), after.envelope().recipients().get(i).address(), describe(after.statuses().get(i)));
      DeliveryTrail.outcome(config.dataDir(), m.id(), after.envelope(), after.envelope().recipients().get(i).address(), after.statuses().get(i));
    }
    List<String> notices = notifier.notify(after, now);
    if (after.done()) {
      spool.removeDone(m.id());
      recovered.remove(m.id());
    } else {
      schedule(m.id(), nextDue(after).orElse(now.plus(config.queue().retry().getFirst())));
    }
    notices.forEach(this::submit);
  }

  /**
   * The status of a bounce after {@code max_lifetime}: 5.4.7 (RFC 3463 "delivery time expired"), but a
   * mailbox that stayed full (4.2.2) is reported as 5.2.2, which says what the sender can act on.
   */
  static String expiredStatus(String lastError) {
    return lastError.startsWith("4.2.2 ") ? "5.2.2" : "5.4.7";
  }

  private static RecipientStatus combine(List<RecipientStatus> list, Instant now) {
    if (list.isEmpty()) {
      return new RecipientStatus.PermFail(now, "5.1.1 no destination");
    }
    for (RecipientStatus s : list) {
      if (s instanceof RecipientStatus.TempFail) {
        return s;
      }
    }
    for (RecipientStatus s : list) {
      if (s instanceof RecipientStatus.PermFail) {
        return s;
      }
    }
    return list.getFirst();
  }

  private static void count(RecipientStatus s) {
    dev.postamt.metrics.Metrics.Outcome o = switch (s) {
      case RecipientStatus.Delivered d -> dev.postamt.metrics.Metrics.Outcome.DELIVERED;
      case RecipientStatus.PermFail p -> dev.postamt.metrics.Metrics.Outcome.BOUNCED;
      case RecipientStatus.TempFail t -> dev.postamt.metrics.Metrics.Outcome.DEFERRED;
      case RecipientStatus.Scheduled x -> null;
    };
    if (o != null) {
      dev.postamt.metrics.Metrics.process().delivery(o);
    }
  }

  static String describe(RecipientStatus s) {
    return switch (s) {
      case RecipientStatus.Delivered d -> "status=sent (" + d.detail() + ")";
      case RecipientStatus.PermFail p -> "status=bounced (" + p.reason() + ")";
      case RecipientStatus.TempFail t -> "status=deferred (" + t.reason() + ")";
      case RecipientStatus.Scheduled x -> "status=scheduled";
    };
  }

  /** The earliest time a pending recipient is due; empty when none is pending. */
  static Optional<Instant> nextDue(QueuedMessage m) {
    Instant best = null;
    for (RecipientStatus s : m.statuses()) {
      Instant at =
          switch (s) {
            case RecipientStatus.Scheduled x -> Instant.EPOCH;
            case RecipientStatus.TempFail t -> t.next();
            default -> null;
          };
      if (at != null && (best == null || at.isBefore(best))) {
        best = at;
      }
    }
    return Optional.ofNullable(best);
  }

  public boolean idle() {
    return running.isEmpty() && due.stream().noneMatch(d -> d.getDelay(TimeUnit.MILLISECONDS) <= 0);
  }

  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
    // Let deliveries in flight record their outcome (they are idempotent anyway, but a clean stop
    // should not leave a delivered recipient marked as pending). Bounded: a peer that hangs must not
    // hold up a shutdown for its full SMTP time-out.
    long end = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    while (!running.isEmpty() && System.nanoTime() < end) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!running.isEmpty()) {
      log.warn("queue: stopping with {} deliveries still running; they are retried at the next start", running.size());
    }
  }

  private record Due(String id, Instant at) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(Instant.now(), at));
    }

    @Override
    public int compareTo(Delayed o) {
      return at.compareTo(((Due) o).at);
    }
  }
}
