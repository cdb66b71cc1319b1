package dev.postamt.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of the process. One registry per process ({@link #process()}): the SMTP listeners, the
 * checks and the HTTP listener are started in different places, and a meter counted twice into two
 * registries would be wrong in both; tests read a counter before and after and compare the difference.
 *
 * <p>Names follow the Prometheus conventions; the registry adds {@code _total} to counters and
 * {@code _seconds} to timers.
 */
public final class Metrics {
  /** Why a stage check refused: a small fixed set, so that the label stays bounded. */
  public enum RejectReason {
    POLICY,
    SPAM,
    VIRUS,
    OTHER;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Metrics PROCESS = new Metrics();

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /** The meters the mail path counts on for every message, registered once (a builder per message was garbage). */
  private final Map<String, io.micrometer.core.instrument.Meter> meters = new ConcurrentHashMap<>();
  private final Set<Callable<Integer>> queueSizes = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<Callable<Integer>>> connections = new ConcurrentHashMap<>();

  private volatile boolean jvmBound;

  /** A registry of its own; production code uses {@link #process()}. */
  Metrics() {
    Gauge.builder("postamt.queue.messages", this, Metrics::readQueueSize)
        .description("messages in the queue, held ones included")
        .register(registry);
    trailDroppedCounter(); // at 0 from the start, so that an alert can watch it
  }

  /** The registry of this process. */
  public static Metrics process() {
    return PROCESS;
  }

  /** The Prometheus text exposition format (version 0.0.4) of every meter. */
  public String scrape() {
    bindJvmMeters();
    return registry.scrape();
  }

  /**
   * The JVM's meters (memory, threads, processors, GC), bound at the first scrape rather than at
   * start-up: they pull in JMX and {@code java.lang.management}, ~280 classes the server otherwise never
   * needs before its banner (issue 27). Their values are read at each scrape, so they show the same;
   * only the GC pause counts start at the first scrape instead of at start-up.
   */
  private void bindJvmMeters() {
    if (jvmBound) {
      return;
    }
    synchronized (this) {
      if (jvmBound) {
        return;
      }
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      // JvmGcMetrics listens to GC notifications for the life of the process, as this registry lives
      @SuppressWarnings("resource")
      JvmGcMetrics gc = new JvmGcMetrics();
      gc.bindTo(registry);
      jvmBound = true;
    }
  }

  /** The content type of {@link #scrape()}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  /** A message answered with 250 by {@code service} ({@code smtp}, {@code submission}, {@code lmtp}). */
  public void messageReceived(String service) {
    received(service).increment();
  }

  /** How many messages {@code service} has answered 250 for. */
  public double messagesReceived(String service) {
    return received(service).count();
  }

  private Counter received(String service) {
    return (Counter) meters.computeIfAbsent("received " + service, k -> Counter.builder("postamt.messages.received")
        .description("messages accepted with 250 at the end of DATA")
        .tag("service", service)
        .register(registry));
  }

  /** What became of one recipient in one delivery attempt, as Postfix logs it ({@code status=…}). */
  public enum Outcome {
    DELIVERED("delivered"),
    DEFERRED("deferred"),
    BOUNCED("bounced");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One recipient's attempt ended {@code outcome} ({@code postamt_deliveries_total{outcome=…}}). */
  public void delivery(Outcome outcome) {
    deliveries(outcome).increment();
  }

  /** How many recipient attempts ended {@code outcome}. */
  public double deliveryCount(Outcome outcome) {
    return deliveries(outcome).count();
  }

  private Counter deliveries(Outcome outcome) {
    return (Counter) meters.computeIfAbsent("deliveries " + outcome.label(), k -> Counter.builder("postamt.deliveries")
        .description("recipients per delivery attempt, by outcome (delivered, deferred, bounced), as Postfix's status= log lines count")
        .tag("outcome", outcome.label())
        .register(registry));
  }

  /** A stage check refused a command or a message. */
  public void rejected(RejectReason reason) {
    rejectsCounter(reason).increment();
  }

  /** How many refusals of {@code reason} there were. */
  public double rejects(RejectReason reason) {
    return rejectsCounter(reason).count();
  }

  private Counter rejectsCounter(RejectReason reason) {
    return Counter.builder("postamt.smtp.rejects")
        .description("SMTP commands or messages refused by a stage check, by reason class")
        .tag("reason", reason.label())
        .register(registry);
  }

  /** The virus scanner did not answer for a message (deferred or accepted unscanned as configured). */
  public void antivirusUnavailable() {
    antivirusUnavailableCounter().increment();
  }

  /** How often the virus scanner did not answer. */
  public double antivirusUnavailableCount() {
    return antivirusUnavailableCounter().count();
  }

  private Counter antivirusUnavailableCounter() {
    return Counter.builder("postamt.antivirus.unavailable")
        .description("messages the virus scanner (clamd) did not answer for")
        .register(registry);
  }

  /** An event of the catalogue happened ({@code postamt_events_total{event=…}}, the event's dotted name). */
  public void event(String name) {
    // looked up once per name: a builder and a registry look-up per event were ~40 KiB per message
    ((Counter) meters.computeIfAbsent("event " + name, k -> Counter.builder("postamt.events")
        .description("events of the closed catalogue (docs/logging.md), by dotted name")
        .tag("event", name)
        .register(registry)))
        .increment();
  }

  /** A trail row was dropped because the trail writer was behind or failing ({@code postamt_trail_dropped_total}). */
  public void trailDropped() {
    trailDroppedCounter().increment();
  }

  /** How many trail rows were dropped. */
  public double trailDroppedCount() {
    return trailDroppedCounter().count();
  }

  private Counter trailDroppedCounter() {
    return Counter.builder("postamt.trail.dropped")
        .description("trail rows not recorded because the trail writer was behind or failing (the mail went on)")
        .register(registry);
  }

  /** Records how long a spam scan took. */
  public void spamScan(Duration took) {
    ((Timer) meters.computeIfAbsent("spam.scan", k -> Timer.builder("postamt.spam.scan")
        .description("time the content scan at the end of DATA took")
        .register(registry)))
        .record(took);
  }

  /**
   * Adds a queue to {@code postamt_queue_messages}, the sum over the running servers' queues (one per
   * process in production; tests run several at once), until the returned action is run (when the
   * server closes). A queue that cannot be read counts as NaN.
   */
  public Runnable queueSize(Callable<Integer> messages) {
    queueSizes.add(messages);
    return () -> queueSizes.remove(messages);
  }

  private double readQueueSize() {
    return queueSizes.stream().mapToDouble(Metrics::read).sum();
  }

  /**
   * Counts the open connections of a listener of {@code protocol} ({@code smtp}, {@code imaps} …) into
   * {@code postamt_connections{protocol}}, the sum over the listeners registered, until the returned
   * action is run (when the listener closes).
   */
  public Runnable connections(String protocol, Callable<Integer> open) {
    Set<Callable<Integer>> listeners = connections.computeIfAbsent(protocol, p -> {
      Set<Callable<Integer>> set = ConcurrentHashMap.newKeySet();
      Gauge.builder("postamt.connections", set, s -> s.stream().mapToDouble(Metrics::read).sum())
          .description("connections open on the listeners of a protocol")
          .tag("protocol", p)
          .strongReference(true)
          .register(registry);
      return set;
    });
    listeners.add(open);
    return () -> listeners.remove(open);
  }

  private static double read(Callable<Integer> value) {
    try {
      return value.call();
    } catch (Exception e) {
      return Double.NaN;
    }
  }
}
