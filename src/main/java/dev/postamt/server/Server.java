package dev.postamt.server;

import dev.postamt.config.Config;
import dev.postamt.config.DataDirLock;
import dev.postamt.config.ConfigException;
import dev.postamt.delivery.LocalDelivery;
import dev.postamt.delivery.RemoteDelivery;
import dev.postamt.directory.Directory;
import dev.postamt.dns.Resolvers;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.ConnectionHandler;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.net.ControlSocket;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueueManager;
import dev.postamt.routing.Router;
import dev.postamt.smtp.InboundCheck;
import dev.postamt.directory.DirectoryException;
import dev.postamt.store.MailStore;
import dev.postamt.store.Quota;
import dev.postamt.store.MaildirMailStore;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the configured services in the order mail flows backwards (store and queue first, listeners
 * last, so nothing is accepted that cannot be kept) and stops them in reverse.
 */
public final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  /** How long a message being received at shutdown may take to finish. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  /** The running configuration: the one started with, or the last one {@link #reload} accepted. */
  volatile Config config;
  /** The inbound checks a test gave; null for the standard ones, made anew from each config. */
  InboundCheck givenCheck;
  private final Directory directory;
  final Router router;
  final dev.postamt.dns.Resolver resolver;
  final DurableSpool spool;
  final QueueManager queue;
  final RemoteDelivery remote;
  /** Outbound TLS results ({@code data_dir/tlsrpt.db}) and their daily reports (RFC 8460). */
  final dev.postamt.tlsrpt.TlsReports tlsReports;
  dev.postamt.tlsrpt.DailyReports tlsRptJob;
  /** The ACME certificate's renewal ({@code [tls] acme = true} at start); null otherwise. */
  dev.postamt.acme.AcmeRenewal acme;
  /** IM2000 when {@code [im2000] enabled}: outbox, inbox, endpoints. */
  private final Optional<dev.postamt.im2000.Im2000Service> im2000;
  ControlSocket control;
  final MailStore store;
  final dev.postamt.mda.SieveDelivery sieve;
  final List<Listener> listeners = new CopyOnWriteArrayList<>();
  /** Run at close: the listeners' connection gauges stop counting them. */
  final List<Runnable> metricsForget = new CopyOnWriteArrayList<>();
  final List<Consumer<String>> deliveryListeners = new CopyOnWriteArrayList<>();
  /** Takes each local delivery into its user's index after the reply, not before it (store.NewMailIntake). */
  final dev.postamt.store.NewMailIntake intake;
  private final List<dev.postamt.mailauth.DmarcObserver> dmarcObservers = new CopyOnWriteArrayList<>();
  final dev.postamt.mailauth.DmarcObserver dmarcObserver = (ip, from, e) -> dmarcObservers.forEach(o -> {
    try {
      o.observed(ip, from, e);
    } catch (RuntimeException ex) { // reports are never worth a failed delivery
      log.warn("DMARC observer: {}", ex.toString());
    }
  });
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Failed logins per client address, shared by every protocol's listeners. */
  private final AuthThrottle authThrottle;
  /** Banned clients ({@code data_dir/bans.db}), asked by every listener at connect; fed by the throttle. */
  private final dev.postamt.ban.BanList banList;
  final dev.postamt.ban.Bans bans;
  /** Users' Sieve scripts ({@code data_dir/sieve.db}): ManageSieve writes them, delivery runs them. */
  private final dev.postamt.sieve.store.SieveScripts sieveScripts;
  /** Users' vacation replies ({@code data_dir/vacation-responses.db}): set over JMAP and self-service, answered at delivery. */
  private final dev.postamt.sieve.store.Vacations vacations;
  private volatile boolean closed;
  dev.postamt.quarantine.QuarantineExpiry quarantineExpiry;
  /** The per-message trail ({@code data_dir/trail.db}) the events of this server go to; null when off. */
  dev.postamt.events.TrailRecorder trail;
  /** The compliance journal when {@code [archive] journal = true} at start; null otherwise. */
  final dev.postamt.archive.JournalWriter journal;
  dev.postamt.archive.RetentionSweep archiveSweep;
  /** [collect]: polls users' remote POP3/IMAP accounts; null when off. */
  dev.postamt.collect.CollectPoller collectPoller;
  DataDirLock lock;
  TlsContext tls;
  /** Bayes and the checksums, and the content scan the start builds in the background. */
  final ContentScanStart contentScan;
  /** The HTTP listener, the browser sessions and JMAP. */
  final WebFront web = new WebFront(this);
  /** Makes each service's protocol handler from a config, at start and at each reload. */
  final ServiceHandlers handlers = new ServiceHandlers(this);

  /** The HTTP listeners' bound addresses, for {@code postamt status} (empty when there is none). */
  Map<String, InetSocketAddress> webAddresses() {
    return web.addresses();
  }

  Server(Config config, StartSteps steps) throws Exception {
    this.config = config;
    this.resolver = Resolvers.fromConfig(config); // one DNS cache (and one parsed zone file) for all
    // the content scan (rules compiled, Bayes opened) is built in the background once the listeners are open;
    // a rule file that is not there stops the start here, with one line naming it
    if (config.spam().enabled()) {
      dev.postamt.filter.rules.RuleSet.checkFiles(config.spam().rules());
    }
    this.contentScan = new ContentScanStart(config, resolver, () -> closed);
    steps.done("dns");
    Files.createDirectories(config.dataDir());
    this.directory = Directory.open(config);
    this.directory.cacheVerifiedLogins(config.limits().authCacheTtl());
    this.directory.cacheLookups(); // domains, users, aliases, masks, quotas: invalidated on every change
    this.router = new Router(directory, config);
    steps.done("directory");
    // [archive] journal: every message the spool commits is journalled first (read at start only)
    this.journal = config.archive().journal() ? dev.postamt.archive.JournalWriter.open(config.archive(), java.time.Clock.systemUTC()) : null;
    this.spool = new DurableSpool(config.dataDir().resolve("queue"), journal == null ? dev.postamt.queue.Journal.NONE : journal);
    // One MailStore per process: all sessions of a user share its Account (store/MailStore).
    // the [store] default quota is read from the running config at each check, so a reload changes it
    // The full-text index listens to the store's changes and deliveries (search/SearchIndexes); closing
    // the store stops it.
    steps.done("spool");
    MaildirMailStore mailStore = MaildirMailStore.forServer(config, quotaPolicy(directory, () -> this.config));
    steps.done("store");
    this.store = dev.postamt.search.SearchBackend.serve(mailStore, config.search(), config.database());
    steps.done("search");
    LocalDelivery local =
        new LocalDelivery(config, spool, user -> deliveryListeners.forEach(l -> l.accept(user)), store);
    this.authThrottle = new AuthThrottle(config.limits().authFailuresPerIp(), Duration.ofMinutes(15));
    this.banList = dev.postamt.ban.BanList.open(config);
    this.bans = new dev.postamt.ban.Bans(banList, config.ban(), config.relay().networks(), java.time.Clock.systemUTC());
    authThrottle.onFailure(bans::authFailed);
    authThrottle.onPolicyRejection(bans::policyRejected);
    this.sieveScripts = dev.postamt.sieve.store.SieveScripts.open(config);
    this.tlsReports = dev.postamt.tlsrpt.TlsReports.open(config, java.time.Clock.systemUTC());
    steps.done("bans, sieve scripts, tlsrpt");
    this.remote =
        new RemoteDelivery(config, spool, resolver, router, local, this::isOurSmtpListener, tlsReports);
    // [im2000] (docs/im2000.md): mail to domains that advertise it stays in our outbox; stubs pulled on read
    this.im2000 = dev.postamt.im2000.Im2000Service.start(config, resolver, directory, store, spool);
    im2000.ifPresent(i -> mailStore.resolveWith(i.resolver()));
    this.queue = new QueueManager(config, spool, router, local,
        im2000.<dev.postamt.queue.RemoteTransport>map(i -> i.transport(remote)).orElse(remote));
    // Sieve at delivery: users' scripts from the script store ManageSieve and the CLI write; mail it sends
    // goes through the queue, redirected copies with an SRS sender (as aliases and .forward do).
    dev.postamt.mda.Outbox outbox = new dev.postamt.mda.Outbox(config, spool, router.srs()::forward);
    outbox.submitTo(queue::submit);
    this.sieve = new dev.postamt.mda.SieveDelivery(config, store, sieveScripts, outbox);
    this.vacations = dev.postamt.sieve.store.Vacations.open(config);
    sieve.useVacations(vacations);
    local.sieve(sieve);
    // The Maildir copy is what the 250 waits for; its UID (the index's one writer per account) comes after.
    this.intake = new dev.postamt.store.NewMailIntake(store, 2);
    deliveryListeners.add(intake);
    steps.done("queue, im2000, sieve");
  }

  /**
   * Each user's quota: their own setting in the directory ({@code postamt user quota}), else the
   * {@code [store]} default. Read at every check, so a change takes effect at once.
   */
  public static Quota.Policy quotaPolicy(Directory directory, Config config) {
    return quotaPolicy(directory, () -> config);
  }

  private static Quota.Policy quotaPolicy(Directory directory, java.util.function.Supplier<Config> running) {
    return user -> {
      Config config = running.get();
      Directory.UserQuota q;
      try {
        q = directory.quota(user).orElse(Directory.UserQuota.DEFAULT);
      } catch (DirectoryException e) {
        throw new StoreException(StoreException.Kind.SERVERBUG, "cannot look up the quota of " + user + ": " + e.getMessage(), e);
      }
      return new Quota.Limit(
          q.storageBytes().orElse(config.store().quota()), q.messages().orElse(config.store().quotaMessages()));
    };
  }

  /** The process id of the {@code serve} running on this config's data directory, if one runs. */
  public static java.util.OptionalLong runningPid(Config config) {
    return DataDirLock.runningServer(config.dataDir());
  }

  /** Starts every configured service; on failure, whatever was started is stopped again. */
  public static Server start(Config config) throws Exception {
    return start(config, null);
  }

  /** @param check the inbound checks; null for the standard mail-authentication stage */
  public static Server start(Config config, InboundCheck check) throws Exception {
    return ServerStart.start(config, check);
  }

  /** Ends a user's browser sessions ({@code kick}); how many there were. */
  int endWebSessions(String address) {
    return web.endSessions(address);
  }

  /**
   * The HTTP listener with the web login and the mounted apps, when [listen] names http or https: its
   * ports are bound now (a port that is taken stops the start), the rest is made at the first connection.
   */
  void startWeb() throws IOException {
    web.start();
  }

  /** Whether the HTTP listener has been made (a first connection came); false when there is none. */
  boolean webMade() {
    return web.made();
  }

  void listen(String service, TlsContext tls, boolean implicitTls, ConnectionHandler h)
      throws IOException {
    Optional<InetSocketAddress> addr = config.listen().get(service);
    if (addr.isEmpty()) {
      return;
    }
    Listener l =
        Listener.open(
            service,
            addr.get(),
            tls,
            implicitTls,
            config.limits().idleTimeout(),
            config.limits().connections(),
            config.limits().connectionsPerIp(),
            h,
            bans::refusal,
            config.proxyProtocol());
    l.rateLimit(config.limits().connectionRatePerIp(), config.relay().networks());
    listeners.add(l);
    metricsForget.add(dev.postamt.metrics.Metrics.process().connections(service, () -> l.connections().size()));
  }

  /**
   * Whether mail sent to {@code a} would reach our own SMTP service (an MX record pointing back at
   * us): the smtp listener's address, or any local address when it listens on the wildcard.
   */
  private boolean isOurSmtpListener(InetSocketAddress a) {
    Optional<InetSocketAddress> bound = address("smtp").or(() -> config.listen().get("smtp"));
    if (bound.isEmpty() || bound.get().getPort() != a.getPort()) {
      return false;
    }
    if (!bound.get().getAddress().isAnyLocalAddress()) {
      return bound.get().getAddress().equals(a.getAddress());
    }
    try {
      return a.getAddress().isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a.getAddress()) != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** The address a service is bound to (with the real port when the config said port 0). */
  public Optional<InetSocketAddress> address(String service) {
    return listeners.stream().filter(l -> l.service().equals(service)).map(Listener::localAddress).findFirst()
        .or(() -> web.address(service));
  }

  public dev.postamt.dns.Resolver resolver() {
    return resolver;
  }

  /** The ban list every listener asks at connect. */
  public dev.postamt.ban.Bans bans() {
    return bans;
  }

  public AuthThrottle authThrottle() {
    return authThrottle;
  }

  public QueueManager queue() {
    return queue;
  }

  public DurableSpool spool() {
    return spool;
  }

  /** Users' Sieve scripts, shared by ManageSieve and delivery. */
  public dev.postamt.sieve.store.SieveScripts sieveScripts() {
    return sieveScripts;
  }

  /** Users' vacation replies, shared by JMAP, the self-service page and delivery. */
  public dev.postamt.sieve.store.Vacations vacations() {
    return vacations;
  }

  public Directory directory() {
    return directory;
  }

  public MailStore store() {
    return store;
  }

  /** IM2000, when {@code [im2000] enabled}. */
  public Optional<dev.postamt.im2000.Im2000Service> im2000() {
    return im2000;
  }

  /** The users' Sieve scripts that delivery runs (a script store; tests give their own). */
  public void sieveScripts(dev.postamt.sieve.store.SieveScripts scripts) {
    sieve.useScripts(scripts);
  }

  /** How {@link #reload}'s report begins when the config has errors and nothing was reloaded. */
  static final String RELOAD_REFUSED = "config has errors, the running configuration stays: ";

  /**
   * Re-reads the config file and the certificates, like {@code postfix reload} (SIGHUP, {@code postamt
   * reload}); no connection is dropped. A config with errors is logged and the running one kept. The
   * certificate (and the self-signed one's names) take effect for the next TLS handshake; the {@link
   * ReloadableSections#RELOADABLE} sections for what comes after the reload (new sessions, newly routed messages), while open
   * sessions, an IMAP IDLE among them, go on with what they started with. The aliases file and {@code
   * .forward} files are read again whenever they change, reload or not. Other changed sections are named
   * in the log as needing a restart.
   *
   * @return one line per thing reloaded or changed, for the log and {@code postamt reload}
   */
  public synchronized List<String> reload() {
    List<String> report = new ArrayList<>();
    Config fresh;
    try {
      fresh = config.source() == null ? Config.defaults() : Config.load(config.source(), true);
    } catch (ConfigException e) {
      report.add(RELOAD_REFUSED + String.join("; ", e.problems()));
      report.forEach(l -> log.error("reload: {}", l));
      return report;
    }
    if (tls != null) {
      report.add(swapCertificate(fresh));
    }
    Config running = config;
    Config next = ReloadableSections.takeReloadable(running, fresh, report);
    // A log file is opened again at every reload, changed or not: logrotate's usual way (rename the file,
    // then signal the server, as for Dovecot's "log reopen") gets a new file instead of lines written on
    // into the renamed one. (The old file is closed before the new one opens: logback refuses two appenders
    // on one file; a line logged in those microseconds is not written.)
    boolean reopen = next.log().file().isPresent() && java.util.Objects.equals(running.log(), next.log());
    if (reopen || !java.util.Objects.equals(running.log(), next.log())) {
      try {
        LogSetup.apply(next.log());
        if (reopen) {
          report.add("log file reopened: " + next.log().file().get());
        }
      } catch (IOException e) {
        report.add("log settings not applied: " + e.getMessage());
      }
    }
    config = next;
    remote.reconfigure(next);
    bans.configure(next.ban(), next.relay().networks());
    Map<String, ConnectionHandler> handlers = this.handlers.forConfig(next);
    for (Listener l : listeners) {
      l.reconfigure(handlers.get(l.service()), next.limits().idleTimeout(), next.limits().connections(),
          next.limits().connectionsPerIp());
      l.rateLimit(next.limits().connectionRatePerIp(), next.relay().networks());
    }
    report.forEach(l -> log.info("reload: {}", l));
    return report;
  }

  /**
   * Loads the certificate {@code fresh} names (or the ACME one, or the self-signed one) into every TLS
   * listener, https included, for the next handshakes; says what it did.
   */
  synchronized String swapCertificate(Config fresh) {
    try {
      TlsContext freshTls = TlsContext.fromConfig(fresh);
      tls.replaceWith(freshTls);
      web.reloadTls(freshTls);
      return "certificate reloaded from " + fresh.tls().certificate().map(Path::toString)
          .orElse(fresh.tls().acme() ? "acme" : fresh.dataDir().resolve("tls/selfsigned.crt").toString());
    } catch (IOException e) {
      return "certificate not reloaded, the running one stays: " + e.getMessage();
    }
  }

  /** The ACME renewal when {@code [tls] acme = true}. */
  public Optional<dev.postamt.acme.AcmeRenewal> acme() {
    return Optional.ofNullable(acme);
  }

  /**
   * Waits until every local delivery so far has been taken into its user's index (it happens after the
   * reply, see store.NewMailIntake): for tests that look at the Maildir files or the index directly.
   */
  public void awaitDeliveriesTakenIn() {
    try {
      intake.awaitIdle();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Registers a callback told the address of every user who just got mail (IMAP IDLE uses it). */
  public void onDelivery(Consumer<String> listener) {
    deliveryListeners.add(listener);
  }

  /** Registers an observer of the DMARC evaluation of inbound mail (DMARC aggregate reports). */
  public void onDmarcEvaluation(dev.postamt.mailauth.DmarcObserver observer) {
    dmarcObservers.add(observer);
  }

  /**
   * Waits up to {@code limit} until what the start left to the background (the content scan's rules and
   * databases) is done; true when it is. Sessions never need this (they wait for what they use); tests
   * that time a first message do.
   */
  public boolean awaitBackgroundStart(java.time.Duration limit) {
    return contentScan.awaitBuilt(limit);
  }

  public void awaitShutdown() throws InterruptedException {
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (control != null) {
      control.close();
    }
    // Goodbye on SIGTERM: every session is told (421 / * BYE / -ERR) when between commands; one
    // receiving a message may finish it within the grace time, then what is left is cut (never
    // answered 250, so the client keeps it).
    long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    web.close(); // waits for a listener being made at this moment
    listeners.forEach(Listener::shutdown);
    try {
      for (Listener l : listeners) {
        if (!l.awaitIdle(deadline)) {
          log.warn("{}: {} session(s) still busy after {} s, closing them", l.service(), l.connections().size(),
              SHUTDOWN_GRACE.toSeconds());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Listener l : listeners.reversed()) {
      l.close();
    }
    metricsForget.forEach(Runnable::run);
    if (tlsRptJob != null) {
      tlsRptJob.close();
    }
    if (acme != null) {
      acme.close();
    }
    if (collectPoller != null) {
      collectPoller.close();
    }
    queue.close();
    remote.close();
    tlsReports.close();
    im2000.ifPresent(dev.postamt.im2000.Im2000Service::close);
    sieve.close();
    intake.close();
    store.close();
    sieveScripts.close();
    vacations.close();
    web.closeJmap();
    contentScan.close(SHUTDOWN_GRACE);
    banList.close();
    directory.close();
    handlers.close();
    if (quarantineExpiry != null) {
      quarantineExpiry.close();
    }
    if (trail != null) {
      trail.close();
    }
    if (archiveSweep != null) {
      archiveSweep.close();
    }
    if (journal != null) {
      journal.close();
    }
    log.info("postamt stopped");
    if (lock != null) {
      lock.close();
    }
    stopped.countDown();
  }
}
