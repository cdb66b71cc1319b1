package dev.postamt.im2000;

import dev.postamt.config.Config;
import dev.postamt.delivery.tls.TrustedTls;
import dev.postamt.directory.Directory;
import dev.postamt.dns.Resolver;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.RemoteTransport;
import dev.postamt.store.MailStore;
import dev.postamt.store.MessageResolver;
import dev.postamt.web.WebApp;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IM2000 in a running server, when {@code [im2000] enabled}: the outbox and the transport in front of
 * SMTP (sending), the inbox and the store's stub resolver (receiving), the {@code /im2000/} endpoints,
 * and a background round every {@code [im2000] poll} (and once at start) that reads peers' feeds, sends
 * confirmations that did not get through, pulls stubs when {@code pull = "eager"}, and deletes outbox
 * messages whose retention ended.
 */
public final class Im2000Service implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Im2000Service.class);

  private final Config config;
  private final Outbox outbox;
  private final Inbox inbox;
  private final Resolver dns;
  private final Directory directory;
  private final DurableSpool spool;
  private final ScheduledExecutorService rounds;

  private Im2000Service(Config config, Outbox outbox, Inbox inbox, Resolver dns, Directory directory, DurableSpool spool) {
    this.config = config;
    this.outbox = outbox;
    this.inbox = inbox;
    this.dns = dns;
    this.directory = directory;
    this.spool = spool;
    this.rounds = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("im2000").factory());
  }

  /** The service when {@code [im2000] enabled}, its state under {@code data_dir/im2000/}; empty when off. */
  public static Optional<Im2000Service> start(Config config, Resolver dns, Directory directory, MailStore store,
      DurableSpool spool) throws IOException {
    if (!config.im2000().enabled()) {
      return Optional.empty();
    }
    Path dir = config.dataDir().resolve("im2000");
    HttpsClient http = new HttpsClient(dns, TrustedTls.create(config.tlsPolicy().trust()), Duration.ofSeconds(20));
    String base = config.im2000().url().orElse("https://" + config.hostname() + "/im2000/");
    Outbox outbox = new Outbox(dir, http, URI.create(base.endsWith("/") ? base : base + "/"), config.im2000().retention(),
        Clock.systemUTC());
    Inbox inbox;
    try {
      inbox = new Inbox(dir, config.dataDir(), config.hostname(), dns, directory, store, http, Clock.systemUTC(),
          config.im2000().eager());
    } catch (IOException | RuntimeException e) {
      outbox.close();
      throw e;
    }
    Im2000Service s = new Im2000Service(config, outbox, inbox, dns, directory, spool);
    long every = config.im2000().poll().toMillis();
    s.rounds.scheduleWithFixedDelay(s::round, 0, every, TimeUnit.MILLISECONDS);
    return Optional.of(s);
  }

  /** Outbound delivery: IM2000 where the recipient domain advertises it, {@code smtp} for the rest. */
  public RemoteTransport transport(RemoteTransport smtp) {
    return new Im2000Transport(smtp, outbox, dns, directory, spool, config.dataDir());
  }

  /** The store's resolver for stubs (see {@link MessageResolver}). */
  public MessageResolver resolver() {
    return inbox;
  }

  /** The {@code /im2000/} endpoints, to mount on the web listener (https in earnest). */
  public WebApp app() {
    return new Im2000App(outbox, inbox, dns);
  }

  private void round() {
    try {
      int found = inbox.poll(config.im2000().peers(), config.im2000().eager());
      if (found > 0) {
        log.info("im2000: {} notification(s) found in peers' feeds", found);
      }
      outbox.expire();
    } catch (IOException | RuntimeException e) {
      log.warn("im2000: background round failed: {}", e.toString());
    }
  }

  /** Runs a background round now (feeds, confirmations, eager pulls, expiry); how many notifications feeds brought. */
  public int pollNow() {
    return inbox.poll(config.im2000().peers(), config.im2000().eager());
  }

  /** The ids of the messages in the outbox, oldest first. */
  public List<String> outboxIds() {
    return outbox.ids();
  }

  /** Per recipient domain of an outbox message: its state ({@code notified}, {@code unreached}, {@code fetched}). */
  public Map<String, String> outboxStates(String id) {
    Map<String, String> out = new java.util.TreeMap<>();
    outbox.deliveries(id).forEach((d, v) -> out.put(d, v.state() + "/" + v.attempts()));
    return out;
  }

  /** Notification POSTs this process made (one per message and recipient domain: there are no retries). */
  public int notificationPosts() {
    return outbox.posts();
  }

  @Override
  public void close() {
    rounds.shutdownNow();
    try {
      rounds.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    outbox.close();
    inbox.close();
  }
}
