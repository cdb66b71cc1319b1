package dev.postamt.server;

import dev.postamt.config.Config;
import dev.postamt.config.ConfigException;
import dev.postamt.delivery.LocalDelivery;
import dev.postamt.delivery.RemoteDelivery;
import dev.postamt.directory.Directory;
import dev.postamt.dns.Resolvers;
import dev.postamt.mailauth.InboundAuthenticator;
import dev.postamt.net.AuthThrottle;
import dev.postamt.net.Listener;
import dev.postamt.net.TlsContext;
import dev.postamt.pop3.Pop3Server;
import dev.postamt.net.ControlSocket;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueueAdmin;
import dev.postamt.queue.QueueManager;
import dev.postamt.routing.Router;
import dev.postamt.smtp.InboundCheck;
import dev.postamt.smtp.SmtpServer;
import dev.postamt.imap.ImapServer;
import dev.postamt.directory.DirectoryException;
import dev.postamt.store.MailStore;
import dev.postamt.store.Quota;
import dev.postamt.store.SqliteMailStore;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  private final Config config;
  private final Directory directory;
  private final Router router;
  private final dev.postamt.dns.Resolver resolver;
  private final DurableSpool spool;
  private final QueueManager queue;
  private final RemoteDelivery remote;
  private ControlSocket control;
  private final MailStore store;
  private final dev.postamt.mda.SieveDelivery sieve;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> deliveryListeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Failed logins per client address, shared by every protocol's listeners. */
  private final AuthThrottle authThrottle;
  private volatile boolean closed;
  private DataDirLock lock;
  private TlsContext tls;

  private Server(Config config) throws Exception {
    this.config = config;
    this.resolver = Resolvers.fromConfig(config); // one DNS cache (and one parsed zone file) for all
    Files.createDirectories(config.dataDir());
    this.directory = Directory.open(config.dataDir());
    this.directory.cacheVerifiedLogins(config.limits().authCacheTtl());
    this.router = new Router(directory, config);
    this.spool = new DurableSpool(config.dataDir().resolve("queue"));
    // One MailStore per process: all sessions of a user share its Account (store/MailStore).
    this.store = SqliteMailStore.forServer(config.dataDir(), quotaPolicy(directory, config));
    LocalDelivery local =
        new LocalDelivery(config, spool, user -> deliveryListeners.forEach(l -> l.accept(user)), store);
    this.authThrottle = new AuthThrottle(config.limits().authFailuresPerIp(), Duration.ofMinutes(15));
    this.remote =
        new RemoteDelivery(config, spool, resolver, router, local, this::isOurSmtpListener);
    this.queue = new QueueManager(config, spool, router, local, remote);
    // Sieve at delivery: mail it sends goes through the queue. Users' scripts come with a script store
    // (sieveScripts); until then the [sieve] before/after scripts and the default Junk rule run.
    dev.postamt.mda.Outbox outbox = new dev.postamt.mda.Outbox(config, spool, java.util.function.UnaryOperator.identity());
    outbox.submitTo(queue::submit);
    this.sieve = new dev.postamt.mda.SieveDelivery(config, store, null, outbox);
    local.sieve(sieve);
    deliveryListeners.add(store::notifyDelivered);
  }

  /**
   * Each user's quota: their own setting in the directory ({@code postamt user quota}), else the
   * {@code [store]} default. Read at every check, so a change takes effect at once.
   */
  public static Quota.Policy quotaPolicy(Directory directory, Config config) {
    return user -> {
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
    Files.createDirectories(config.dataDir());
    DataDirLock lock = DataDirLock.acquire(config.dataDir()); // before anything in data_dir is opened
    Server s;
    try {
      s = new Server(config);
    } catch (Exception | Error e) {
      lock.close();
      throw e;
    }
    s.lock = lock;
    if (check == null) {
      check = new InboundAuthenticator(config, s.resolver, s::forwardingDomain);
    }
    try {
      s.queue.start();
      try {
        QueueAdmin queueAdmin = new QueueAdmin(s.spool, s.queue);
        s.control = ControlSocket.open(ControlSocket.path(config),
            List.of(queueAdmin::answer, new StatusRequests(() -> List.copyOf(s.listeners), s.spool)));
      } catch (IOException e) {
        // not fatal: "postamt queue" then edits the spool directly and the server sees it at the next
        // retry; "postamt status" then reports the server as not running
        log.warn("queue control socket {} not available: {}", ControlSocket.path(config), e.toString());
      }
      TlsContext tls = TlsContext.fromConfig(config);
      s.tls = tls;
      SmtpServer mx =
          new SmtpServer(config, SmtpServer.Mode.MX, s.directory, s.router, s.spool, s.queue, check, s.authThrottle, s.store,
              s.resolver);
      SmtpServer submission =
          new SmtpServer(config, SmtpServer.Mode.SUBMISSION, s.directory, s.router, s.spool, s.queue, check, s.authThrottle,
              s.store, s.resolver);
      s.listen("smtp", tls, false, mx);
      s.listen("submission", tls, false, submission);
      s.listen("smtps", tls, true, submission);
      s.listen("lmtp", tls, false,
          new SmtpServer(config, SmtpServer.Mode.LMTP, s.directory, s.router, s.spool, s.queue, InboundCheck.NONE,
              s.authThrottle, s.store, s.resolver));
      // POP3 (issue 5): one handler for both listeners, sharing the store.
      Pop3Server pop3 = Pop3Server.fromConfig(config, s.store, s.directory, s.authThrottle);
      s.listen("pop3", tls, false, pop3);
      s.listen("pop3s", tls, true, pop3);
      // IMAP (issue 4): STARTTLS on imap (LOGINDISABLED before TLS except from loopback), implicit TLS on imaps.
      ImapServer imap = ImapServer.fromConfig(config, s.store, s.directory, s.authThrottle);
      s.listen("imap", tls, false, imap);
      s.listen("imaps", tls, true, imap);
      config.listen().warnings().forEach(w -> log.warn("{}", w));
      log.info("postamt ready: hostname {}, data in {}", config.hostname(), config.dataDir());
      return s;
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }

  private void listen(String service, TlsContext tls, boolean implicitTls, dev.postamt.net.ConnectionHandler h)
      throws IOException {
    Optional<InetSocketAddress> addr = config.listen().get(service);
    if (addr.isEmpty()) {
      return;
    }
    listeners.add(
        Listener.open(
            service,
            addr.get(),
            tls,
            implicitTls,
            config.limits().idleTimeout(),
            config.limits().connections(),
            config.limits().connectionsPerIp(),
            h));
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
    return listeners.stream().filter(l -> l.service().equals(service)).map(Listener::localAddress).findFirst();
  }

  /** The domain of the first recipient an alias forwards to a remote address (ARC sealing). */
  private Optional<String> forwardingDomain(List<String> recipients) {
    for (String r : recipients) {
      if (router.resolve(r) instanceof dev.postamt.routing.Resolution.Local l
          && l.destinations().stream().anyMatch(d -> d instanceof dev.postamt.routing.Destination.Remote)) {
        return Optional.of(r.substring(r.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  public dev.postamt.dns.Resolver resolver() {
    return resolver;
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

  public Directory directory() {
    return directory;
  }

  public MailStore store() {
    return store;
  }

  /** The users' Sieve scripts that delivery runs (a script store; tests give their own). */
  public void sieveScripts(dev.postamt.sieve.store.SieveScripts scripts) {
    sieve.useScripts(scripts);
  }

  /**
   * Re-reads the config file and the certificates, like {@code postfix reload} (SIGHUP, {@code postamt
   * reload}); no connection is dropped. A config with errors is logged and the running one kept. The
   * certificate (and the self-signed one's names) take effect for the next TLS handshake; the aliases
   * file and {@code .forward} files are read again whenever they change, reload or not. Other changed
   * sections are named in the log as needing a restart.
   *
   * @return one line per thing reloaded or changed, for the log and {@code postamt reload}
   */
  public synchronized List<String> reload() {
    List<String> report = new ArrayList<>();
    Config fresh;
    try {
      fresh = config.source() == null ? Config.defaults() : Config.load(config.source(), true);
    } catch (ConfigException e) {
      report.add("config has errors, the running configuration stays: " + String.join("; ", e.problems()));
      report.forEach(l -> log.error("reload: {}", l));
      return report;
    }
    if (tls != null) {
      try {
        tls.replaceWith(TlsContext.fromConfig(fresh));
        report.add("certificate reloaded from "
            + fresh.tls().certificate().map(Path::toString).orElse(fresh.dataDir().resolve("tls/selfsigned.crt").toString()));
      } catch (IOException e) {
        report.add("certificate not reloaded, the running one stays: " + e.getMessage());
      }
    }
    var components = Config.class.getRecordComponents();
    for (var c : components) {
      if (c.getName().equals("tls") || c.getName().equals("source")) {
        continue;
      }
      try {
        if (!java.util.Objects.equals(c.getAccessor().invoke(config), c.getAccessor().invoke(fresh))) {
          report.add(c.getName() + " changed: takes effect at the next restart");
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    report.forEach(l -> log.info("reload: {}", l));
    return report;
  }

  /** Registers a callback told the address of every user who just got mail (IMAP IDLE uses it). */
  public void onDelivery(Consumer<String> listener) {
    deliveryListeners.add(listener);
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
    queue.close();
    remote.close();
    sieve.close();
    store.close();
    directory.close();
    log.info("postamt stopped");
    if (lock != null) {
      lock.close();
    }
    stopped.countDown();
  }
}
