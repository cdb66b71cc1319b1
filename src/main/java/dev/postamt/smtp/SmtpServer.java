package dev.postamt.smtp;

import dev.postamt.directory.Directory;
import dev.postamt.dns.Resolver;
import dev.postamt.net.Connection;
import dev.postamt.net.ConnectionHandler;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueueManager;
import dev.postamt.routing.Router;
import dev.postamt.config.Config;
import dev.postamt.store.MailStore;
import java.nio.charset.StandardCharsets;

/**
 * The SMTP service for one listener. {@link Mode#MX} is port 25 (accepts for local domains, relays for
 * trusted networks and authenticated users); {@link Mode#SUBMISSION} is ports 587 and 465 (AUTH
 * required before MAIL); {@link Mode#LMTP} serves clients in {@code relay.networks} only.
 */
public final class SmtpServer implements ConnectionHandler {
  public enum Mode {
    MX,
    SUBMISSION,
    /** RFC 2033 LMTP: LHLO, local recipients only, one reply per recipient after the data. */
    LMTP
  }

  final Config config;
  final Mode mode;
  final Directory directory;
  final Router router;
  final DurableSpool spool;
  final QueueManager queue;
  final InboundCheck check;
  final dev.postamt.net.AuthThrottle throttle;
  /** For the quota check at RCPT; null: no check (the queue still checks at delivery). */
  final MailStore store;
  /** The {@code [policy]} restriction lists (MX only); null: none. */
  final dev.postamt.policy.Restrictions policy;
  /** The spam scan at the end of DATA, perhaps still being built; null: none ({@code spam.enabled = false}, LMTP). */
  final PendingSpamScanner spam;
  /** The checks of each stage of a session. */
  final StageChecks checks;
  /** Resolves BURL URLs (RFC 4468) on the submission ports; null: no BURL. */
  volatile BurlResolver burl;

  public SmtpServer(
      Config config,
      Mode mode,
      Directory directory,
      Router router,
      DurableSpool spool,
      QueueManager queue,
      InboundCheck check) {
    this(config, mode, directory, router, spool, queue, check,
        new dev.postamt.net.AuthThrottle(config.limits().authFailuresPerIp(), java.time.Duration.ofMinutes(15)));
  }

  /** @param throttle failed-login counts per client address, shared with the other listeners */
  public SmtpServer(
      Config config,
      Mode mode,
      Directory directory,
      Router router,
      DurableSpool spool,
      QueueManager queue,
      InboundCheck check,
      dev.postamt.net.AuthThrottle throttle) {
    this(config, mode, directory, router, spool, queue, check, throttle, null, null);
  }

  /**
   * @param store refuses recipients whose mailbox is full at RCPT ({@code 452 4.2.2}); null: no check
   * @param dns refuses at RCPT an alias whose targets are all in domains that take no mail
   *     ({@link AliasTargets}); null: no such check
   */
  public SmtpServer(
      Config config,
      Mode mode,
      Directory directory,
      Router router,
      DurableSpool spool,
      QueueManager queue,
      InboundCheck check,
      dev.postamt.net.AuthThrottle throttle,
      MailStore store,
      Resolver dns) {
    this(config, mode, directory, router, spool, queue, check, throttle, store, dns,
        mode == Mode.MX && dns != null ? new dev.postamt.policy.Restrictions(config, dns, null, java.time.Clock.systemUTC()) : null);
  }

  /**
   * @param policy the {@code [policy]} lists with the greylist state the server keeps (MX only: the
   *     submission and LMTP ports serve authenticated or trusted clients); null: no policy checks
   */
  public SmtpServer(
      Config config,
      Mode mode,
      Directory directory,
      Router router,
      DurableSpool spool,
      QueueManager queue,
      InboundCheck check,
      dev.postamt.net.AuthThrottle throttle,
      MailStore store,
      Resolver dns,
      dev.postamt.policy.Restrictions policy) {
    this(config, mode, directory, router, spool, queue, check, throttle, store, dns, policy, openSpam(config, mode, dns));
  }

  /**
   * @param spam the content scan at the end of DATA ({@link SpamCheck}), shared by the listeners of one
   *     server and closed by its owner; null: no spam scan (as always for LMTP)
   */
  public SmtpServer(
      Config config,
      Mode mode,
      Directory directory,
      Router router,
      DurableSpool spool,
      QueueManager queue,
      InboundCheck check,
      dev.postamt.net.AuthThrottle throttle,
      MailStore store,
      Resolver dns,
      dev.postamt.policy.Restrictions policy,
      dev.postamt.filter.SpamScanner spam) {
    this(config, mode, directory, router, spool, queue, check, throttle, store, dns, policy,
        spam == null ? null : PendingSpamScanner.ready(spam));
  }

  /**
   * @param spam the content scan at the end of DATA, which a starting server may still be building: a
   *     message that reaches the end of DATA before it is complete waits for it ({@link PendingSpamScanner});
   *     null: no spam scan
   */
  public SmtpServer(
      Config config,
      Mode mode,
      Directory directory,
      Router router,
      DurableSpool spool,
      QueueManager queue,
      InboundCheck check,
      dev.postamt.net.AuthThrottle throttle,
      MailStore store,
      Resolver dns,
      dev.postamt.policy.Restrictions policy,
      PendingSpamScanner spam) {
    this.spam = mode == Mode.LMTP || !config.spam().enabled() ? null : spam;
    this.policy = mode == Mode.MX ? policy : null;
    this.store = store;
    this.throttle = throttle;
    this.config = config;
    this.mode = mode;
    this.directory = directory;
    this.router = router;
    this.spool = spool;
    this.queue = queue;
    this.check = check;
    this.checks = StageChecks.standard(this, dns);
  }

  /** Offers BURL (RFC 4468) on this submission listener, its URLs resolved by {@code resolver}. */
  public SmtpServer resolveUrlsWith(BurlResolver resolver) {
    this.burl = mode == Mode.SUBMISSION ? resolver : null;
    return this;
  }

  /** The scanner {@code [spam]} asks for, when this listener scans; a rule file or database that cannot be read stops the start. */
  private static dev.postamt.filter.SpamScanner openSpam(Config config, Mode mode, Resolver dns) {
    if (mode == Mode.LMTP || !config.spam().enabled()) {
      return null;
    }
    try {
      return dev.postamt.filter.pipeline.Filters.open(config, dns);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("[spam]: " + e.getMessage(), e);
    }
  }

  @Override
  public void handle(Connection connection) throws Exception {
    new SmtpSession(this, connection).run();
  }

  @Override
  public void refuse(Connection connection, String reason) throws Exception {
    connection.out().write(
        new SmtpReply(421, "4.7.0", config.hostname() + " Error: " + reason + "; try again later")
            .encode(true));
    connection.out().flush();
  }

  /** RFC 5321 §3.1: a banned client gets 554 instead of the greeting, then the connection closes. */
  @Override
  public void refuseBanned(Connection connection, String reason) throws Exception {
    connection.out().write(new SmtpReply(554, "5.7.1", config.hostname() + " Error: " + reason).encode(true));
    connection.out().flush();
  }

  /** RFC 5321 §3.8: 421 before closing; the same words for a shutdown and a kick. */
  @Override
  public String goodbye(Connection connection, Goodbye why) {
    return "421 4.3.2 " + config.hostname() + " Service shutting down";
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
