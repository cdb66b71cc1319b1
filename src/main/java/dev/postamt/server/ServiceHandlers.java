package dev.postamt.server;

import dev.postamt.config.Config;
import dev.postamt.imap.ImapServer;
import dev.postamt.mailauth.InboundAuthenticator;
import dev.postamt.net.ConnectionHandler;
import dev.postamt.policy.GreylistStore;
import dev.postamt.policy.Restrictions;
import dev.postamt.pop3.Pop3Server;
import dev.postamt.smtp.InboundCheck;
import dev.postamt.smtp.PendingSpamScanner;
import dev.postamt.smtp.SmtpServer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the protocol handler of each listened-to service from a config: at start, and anew at each
 * {@link Server#reload} for the connections that come after it. Apart from {@link Server} because this
 * is the one place that decides what a config means for a session (which checks, which greylist, which
 * content scan), while the server only owns the shared state the handlers are given.
 */
final class ServiceHandlers {
  /** Logs under {@link Server}, as these lines always have. */
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final Server server;
  /** The submission listener of the running config: JMAP EmailSubmission takes its path. */
  private volatile SmtpServer submission;
  /** {@code greylist.db}, opened when a config first enables greylisting; kept across reloads. */
  private GreylistStore greylist; // guarded by this

  ServiceHandlers(Server server) {
    this.server = server;
  }

  /** The submission handler of the running config; null before the first handlers are made. */
  SmtpServer submission() {
    return submission;
  }

  /** The greylist state when {@code config} enables greylisting (opened once); null otherwise or when it cannot open. */
  private synchronized GreylistStore greylist(Config config) {
    if (greylist == null && config.greylist().enabled()) {
      try {
        greylist = dev.postamt.policy.GreylistStore.open(config);
      } catch (GreylistStore.Failure e) {
        log.error("greylisting off: {}", e.getMessage());
      }
    }
    return greylist;
  }

  /**
   * The protocol handler of each service for {@code config}: made at start, and made anew by {@link
   * Server#reload} for the connections that come after it. They share the store, queue, directory and throttle.
   */
  Map<String, ConnectionHandler> forConfig(Config config) {
    dev.postamt.filter.SpamScanner scanner = server.contentScan.scanner(config);
    return forConfig(config, scanner == null ? null : PendingSpamScanner.ready(scanner), new StartSteps());
  }

  /** @param spam the content scan, perhaps still being built (at start); null for none */
  Map<String, ConnectionHandler> forConfig(Config config, PendingSpamScanner spam, StartSteps steps) {
    Server s = server;
    InboundCheck check = s.givenCheck != null ? s.givenCheck
        : new InboundAuthenticator(config, s.resolver, this::forwardingDomain).observing(s.dmarcObserver);
    steps.done("mailauth");
    SmtpServer mx =
        new SmtpServer(config, SmtpServer.Mode.MX, s.directory(), s.router, s.spool, s.queue, check, s.authThrottle(),
            s.store, s.resolver,
            new Restrictions(config, s.resolver, greylist(config), java.time.Clock.systemUTC()), spam);
    SmtpServer submission =
        new SmtpServer(config, SmtpServer.Mode.SUBMISSION, s.directory(), s.router, s.spool, s.queue, check,
            s.authThrottle(), s.store, s.resolver, null, spam);
    submission.resolveUrlsWith(new dev.postamt.imap.UrlAuthority(s.store)); // BURL (RFC 4468), in-process URLAUTH
    this.submission = submission;
    SmtpServer lmtp = new SmtpServer(config, SmtpServer.Mode.LMTP, s.directory(), s.router, s.spool, s.queue,
        InboundCheck.NONE, s.authThrottle(), s.store, s.resolver);
    steps.done("smtp");
    // POP3, IMAP and ManageSieve are made at their first connection (LazyHandler): a server that only
    // takes mail does not load them (issue 27, idle memory).
    // POP3 (issue 5): one handler for both listeners, sharing the store.
    LazyHandler pop3 = new LazyHandler(() -> Pop3Server.fromConfig(config, s.store, s.directory(), s.authThrottle()));
    // IMAP (issue 4): STARTTLS on imap (LOGINDISABLED before TLS except from loopback), implicit TLS on imaps.
    LazyHandler imap = new LazyHandler(() -> {
      ImapServer made = ImapServer.fromConfig(config, s.store, s.directory(), s.authThrottle());
      made.learnFromJunk(s.contentScan.junkLearning(config));
      return made;
    });
    steps.done("pop3, imap");
    s.web.learnFromJunk(config); // a reload; at start the web listener sets it when it is made
    Map<String, ConnectionHandler> h = new java.util.HashMap<>();
    h.put("smtp", mx);
    h.put("submission", submission);
    h.put("smtps", submission);
    h.put("lmtp", lmtp);
    h.put("pop3", pop3);
    h.put("pop3s", pop3);
    h.put("imap", imap);
    h.put("imaps", imap);
    // ManageSieve (issue 15): STARTTLS, authentication under TLS or from loopback like IMAP.
    h.put("managesieve", new LazyHandler(
        () -> dev.postamt.managesieve.ManageSieveServer.fromConfig(config, s.sieveScripts(), s.directory(),
            s.authThrottle())));
    return h;
  }

  /** JMAP moves into and out of Junk (the webmail's spam buttons) learn as IMAP moves do; null when off. */
  dev.postamt.jmap.JunkTraining jmapJunkLearning(Config config) {
    dev.postamt.imap.JunkLearning l = server.contentScan.junkLearning(config);
    return l == null ? null : l::learn;
  }

  /**
   * The domain of the first recipient an alias forwards to a remote address (ARC sealing); what the
   * router said at RCPT ({@code known}) is not asked again.
   */
  private Optional<String> forwardingDomain(List<String> recipients, Map<String, dev.postamt.routing.Resolution> known) {
    for (String r : recipients) {
      dev.postamt.routing.Resolution said = known.get(r);
      if ((said != null ? said : server.router.resolve(r)) instanceof dev.postamt.routing.Resolution.Local l
          && l.destinations().stream().anyMatch(d -> d instanceof dev.postamt.routing.Destination.Remote)) {
        return Optional.of(r.substring(r.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  /** Closes the greylist state, if a config ever opened it. */
  synchronized void close() {
    if (greylist != null) {
      greylist.close();
    }
  }
}
