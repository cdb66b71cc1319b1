package dev.postamt.server;

import dev.postamt.config.Config;
import dev.postamt.config.DataDirLock;
import dev.postamt.net.ConnectionHandler;
import dev.postamt.net.ControlSocket;
import dev.postamt.net.TlsContext;
import dev.postamt.imap.ImapServer;
import dev.postamt.queue.QueueAdmin;
import dev.postamt.smtp.InboundCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order of a {@link Server}'s start: the data directory's lock, the state that decides whether a
 * message is accepted, the TLS certificate, the listeners (SMTP first), and after them what a first
 * message does not wait for (the content scan in the background, the TLS context, the control socket,
 * the sweeps, the web). Each step's time goes to the debug log ({@link StartSteps}; issue 27).
 */
final class ServerStart {
  /** The server's own logger: the ready line stays {@code Server: postamt ready …}. */
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  /** Every service, in the order the listeners open. */
  private static final List<String> SERVICES =
      List.of("smtp", "submission", "smtps", "lmtp", "pop3", "pop3s", "imap", "imaps", "managesieve");
  private static final java.util.Set<String> IMPLICIT_TLS = java.util.Set.of("smtps", "pop3s", "imaps");

  private ServerStart() {}

  /** Starts every configured service; on failure, whatever was started is stopped again. */
  static Server start(Config config, InboundCheck check) throws Exception {
    StartSteps steps = new StartSteps();
    Files.createDirectories(config.dataDir());
    DataDirLock lock = DataDirLock.acquire(config.dataDir()); // before anything in data_dir is opened
    dev.postamt.sqlite.NativeLibrary.useKeptCopy(config.dataDir()); // before the first SQLite connection
    Server s;
    try {
      // Before anything opens state: a snapshot when a different build last ran here (docs/operations.md, "Upgrades").
      dev.postamt.upgrade.Upgrade.beforeServe(config.dataDir()).ifPresent(snap -> log.info("{}", snap.summary()));
      steps.done("lock, upgrade check");
      s = new Server(config, steps);
    } catch (Exception | Error e) {
      lock.close();
      throw e;
    }
    s.lock = lock;
    s.givenCheck = check;
    try {
      s.trail = dev.postamt.events.TrailRecorder.start(config, () -> s.config.trail());
      steps.done("trail");
      s.queue.start();
      steps.done("queue start");
      s.metricsForget.add(dev.postamt.metrics.Metrics.process().queueSize(() -> s.spool.ids().size()));
      TlsContext tls = TlsContext.forStart(config); // certificate and key read; the JSSE context after the listeners
      s.tls = tls;
      steps.done("tls");
      ImapServer.deleteSpillLeftovers(s.store); // once per start, never while sessions may be spilling
      // The content scan of a message waits for the scanner the background start builds (or is deferred).
      Map<String, ConnectionHandler> handlers = s.handlers.forConfig(config, s.contentScan.pending(), steps);
      for (String service : SERVICES) {
        s.listen(service, tls, IMPLICIT_TLS.contains(service), handlers.get(service));
      }
      steps.done("listeners");
      // After the listeners, not beside them: on a busy machine (or one core) the banner comes first.
      s.contentScan.buildInBackground();
      tls.ready(); // a key the JDK cannot use still stops the start; a STARTTLS before this makes it itself
      steps.done("tls context");
      // Nothing below decides whether a message is accepted: it starts with the listeners already open.
      try {
        QueueAdmin queueAdmin = new QueueAdmin(s.spool, s.queue);
        s.control = ControlSocket.open(ControlSocket.path(config),
            List.of(queueAdmin::answer, new StatusRequests(() -> List.copyOf(s.listeners), s.spool, s::webAddresses, s::endWebSessions),
                s.bans::answer, StatusRequests.reloads(s::reload)));
      } catch (IOException e) {
        // not fatal: "postamt queue" then edits the spool directly and the server sees it at the next
        // retry; "postamt status" then reports the server as not running
        log.warn("queue control socket {} not available: {}", ControlSocket.path(config), e.toString());
      }
      steps.done("control socket");
      s.quarantineExpiry = dev.postamt.quarantine.QuarantineExpiry.start(config, () -> s.config.quarantine().retention());
      if (s.journal != null) {
        s.archiveSweep = dev.postamt.archive.RetentionSweep.start(s.journal, () -> s.config.archive());
      }
      if (config.collect().enabled()) {
        s.collectPoller = dev.postamt.collect.CollectPoller.start(config, dev.postamt.collect.MdaDrop.of(
            s.store, s.sieve, user -> s.deliveryListeners.forEach(l -> l.accept(user))));
      }
      steps.done("quarantine, archive, collect");
      s.startWeb();
      steps.done("web");
      s.tlsRptJob = dev.postamt.tlsrpt.DailyReports.start(s.tlsReports,
          () -> dev.postamt.tlsrpt.ReportSender.create(s.config, s.resolver, s.spool, s.queue::submit),
          () -> s.config.tlsRpt().enabled(), java.time.Clock.systemUTC());
      if (config.tls().acme()) {
        s.acme = dev.postamt.acme.AcmeRenewal.start(() -> s.config, () -> log.info("acme: {}", s.swapCertificate(s.config)), java.time.Clock.systemUTC());
      }
      config.listen().warnings().forEach(w -> log.warn("{}", w));
      config.policy().warnings().forEach(w -> log.warn("{}", w));
      if (!dev.postamt.store.FileNames.unicode()) {
        log.warn("mailbox and user names outside ASCII cannot be stored: {}", dev.postamt.store.FileNames.WHY);
      }
      log.info("postamt ready: hostname {}, data in {} ({} ms after its process started)", config.hostname(), config.dataDir(),
          StartSteps.sinceJvmStart());
      log.debug("start steps: {}", steps.summary());
      return s;
    } catch (Exception e) {
      s.close();
      throw e;
    }
  }
}
