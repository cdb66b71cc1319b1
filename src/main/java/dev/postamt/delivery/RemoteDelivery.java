package dev.postamt.delivery;

import dev.postamt.dns.Resolver;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.queue.RemoteTransport;
import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import dev.postamt.routing.Router;
import dev.postamt.config.Config;
import dev.postamt.config.Relay;
import dev.postamt.config.TlsPolicy;
import dev.postamt.config.TransportRule;
import dev.postamt.delivery.tls.Dane;
import dev.postamt.delivery.tls.MtaStsPolicy;
import dev.postamt.delivery.tls.MtaStsResolver;
import dev.postamt.delivery.tls.TlsRequirement;
import dev.postamt.delivery.tls.TrustedTls;
import dev.postamt.tlsrpt.Policy;
import dev.postamt.tlsrpt.ResultType;
import dev.postamt.tlsrpt.TlsReports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers to addresses outside our domains. Recipients are grouped by domain; each group is routed
 * by the first rule that applies:
 *
 * <ol>
 *   <li>a {@code [transport]} entry for the domain ({@code smtp:}, {@code lmtp:}, {@code local},
 *       {@code discard}, {@code error:});
 *   <li>{@code relay.relayhost} (not for {@code relay.relay_domains}, which are backup-MX domains and go
 *       to their best MX);
 *   <li>the domain's MX hosts ({@link MxResolver}).
 * </ol>
 *
 * A group goes to its hosts in order; recipients that got a 4xx or whose host could not be reached
 * are tried at the next host, a 5xx is final. At most {@code queue.per_destination} deliveries run at
 * once per destination (domain, relayhost or transport next hop).
 */
public final class RemoteDelivery implements RemoteTransport, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteDelivery.class);

  /** Read per message for the route ({@code [transport]}, {@code [relay]}); {@link #reconfigure} swaps it. */
  private volatile Config config;
  private final Router router;
  private final LocalDelivery local;
  private final MxResolver mx;
  private final SmtpTransaction smtp;
  private final ConnectionCache cache;
  private final Map<String, Semaphore> perDestination = new ConcurrentHashMap<>();
  private final MtaStsResolver mtaSts;
  private final Resolver resolver;
  private final DurableSpool spool;
  private final TlsReports reports;

  /**
   * @param isUs whether an address is one of our own SMTP listeners, so that we never send to
   *     ourselves through an MX record
   */
  public RemoteDelivery(
      Config config,
      DurableSpool spool,
      Resolver resolver,
      Router router,
      LocalDelivery local,
      Predicate<InetSocketAddress> isUs) {
    this(config, spool, resolver, router, local, isUs, TlsReports.NONE);
  }

  /** @param reports where the TLS result of every new connection to an MX host is recorded (RFC 8460) */
  public RemoteDelivery(
      Config config,
      DurableSpool spool,
      Resolver resolver,
      Router router,
      LocalDelivery local,
      Predicate<InetSocketAddress> isUs,
      TlsReports reports) {
    this.config = config;
    this.reports = reports;
    this.router = router;
    this.local = local;
    this.mx = new MxResolver(resolver, config.hostname(), isUs);
    this.mtaSts = mtaSts(config, resolver);
    if (mtaSts != null) {
      // RFC 8460 §4.3.2: a policy that cannot be had is reported under the sts policy type
      mtaSts.onFetchFailure((domain, kind, reason) -> reports.failure(new Policy(domain, Policy.Type.STS, List.of(), List.of()),
          new TlsReports.Failure(switch (kind) {
            case FETCH -> ResultType.STS_POLICY_FETCH_ERROR;
            case INVALID -> ResultType.STS_POLICY_INVALID;
            case WEBPKI -> ResultType.STS_WEBPKI_INVALID;
          }, "", "", "", reason)));
    }
    this.resolver = resolver;
    this.spool = spool;
    this.cache = new ConnectionCache(config.delivery().connectionCacheTime());
    this.smtp = new SmtpTransaction(config, spool, cache, reports);
  }

  private static MtaStsResolver mtaSts(Config config, Resolver resolver) {
    try {
      return new MtaStsResolver(resolver, config.dataDir().resolve("mta-sts"), TrustedTls.systemOnFirstUse(config.tlsPolicy().trust()),
          443, java.time.Clock.systemUTC());
    } catch (IOException e) {
      log.warn("mta-sts: policies of other domains are not honoured: {}", e.getMessage());
      return null;
    }
  }

  @Override
  public List<RecipientStatus> deliver(QueuedMessage m, List<Target> targets) {
    RecipientStatus[] out = new RecipientStatus[targets.size()];
    // One transaction per domain and envelope sender: copies forwarded with an SRS sender go in a
    // transaction of their own.
    Map<List<String>, List<Integer>> byDomain = new LinkedHashMap<>();
    for (int k = 0; k < targets.size(); k++) {
      String a = targets.get(k).address();
      String domain = a.substring(a.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
      byDomain.computeIfAbsent(List.of(domain, targets.get(k).sender()), d -> new ArrayList<>()).add(k);
    }
    for (var group : byDomain.entrySet()) {
      List<Target> ts = group.getValue().stream().map(targets::get).toList();
      String domain = group.getKey().getFirst();
      List<RecipientStatus> res;
      try {
        res = deliverDomain(m, domain, ts);
      } catch (RuntimeException e) {
        log.error("{}: delivery to {} failed", m.id(), domain, e);
        res = ts.stream().map(t -> temp("4.3.0 internal error: " + e)).toList();
      }
      for (int i = 0; i < ts.size(); i++) {
        out[group.getValue().get(i)] = res.get(i);
      }
    }
    return List.of(out);
  }

  private List<RecipientStatus> deliverDomain(QueuedMessage m, String domain, List<Target> ts) {
    Optional<TransportRule> rule = config.transportFor(domain);
    int port = config.delivery().remotePort();
    if (rule.isPresent()) {
      return switch (rule.get()) {
        case TransportRule.Discard d ->
            all(ts, new RecipientStatus.Delivered(Instant.now(), "2.0.0 discarded by the transport map"));
        case TransportRule.Error e -> {
          String text = withStatus("5.0.0", e.text());
          yield all(ts, text.startsWith("4") ? temp(text) : new RecipientStatus.PermFail(Instant.now(), text));
        }
        case TransportRule.Local l -> toLocal(m, ts);
        case TransportRule.Lmtp l ->
            viaHops(m, ts, mx.byAddress(l.host(), l.port()), "lmtp:" + l.host() + ":" + l.port(), true, null,
                explicitOrMay(l.host(), false));
        case TransportRule.Smtp s -> {
          int p = s.port().orElse(port);
          MxResolver.Hops hops = s.mxLookup() ? mx.byMx(s.host(), p) : mx.byAddress(s.host(), p);
          yield viaHops(m, ts, hops, "smtp:" + s.host() + ":" + p, false, null, explicitOrMay(s.host(), m.envelope().requireTls()));
        }
      };
    }
    Optional<String> relayhost = config.relay().relayhost();
    if (relayhost.isPresent() && !config.relay().relayDomains().contains(domain)) {
      TransportRule.HostPort hp = TransportRule.HostPort.parse(relayhost.get());
      int p = hp.port().orElse(port);
      MxResolver.Hops hops = hp.bracketed() ? mx.byAddress(hp.host(), p) : mx.byMx(hp.host(), p);
      return viaHops(m, ts, hops, "relayhost:" + hp.host() + ":" + p, false, credentials(),
          explicitOrMay(hp.host(), m.envelope().requireTls()));
    }
    return toMx(m, domain, ts, port);
  }

  /**
   * Delivery to the domain's MX hosts under its TLS demand: a {@code [tls_policy]} entry, else its
   * MTA-STS policy (RFC 8461): in {@code enforce} mode only MX hosts the policy names are tried, each
   * with a certificate we trust naming it; in {@code testing} mode mail goes as it would without the
   * policy, and what enforcement would have refused is logged.
   */
  private List<RecipientStatus> toMx(QueuedMessage m, String domain, List<Target> ts, int port) {
    Optional<TlsPolicy.Level> explicit = config.tlsPolicy().levelFor(domain);
    MxResolver.Hops hops = mx.byMx(domain, port);
    if (m.envelope().requireTls()) {
      return requireTls(m, domain, ts, hops);
    }
    if (explicit.isEmpty() && tlsRequiredNo(m)) {
      log.info("{}: TLS-Required: No: the TLS policy {} publishes (DANE, MTA-STS) is not applied", m.id(), domain);
      return viaHops(m, ts, hops, domain, false, null, TlsRequirement.opportunistic(domain), Policy.none(domain));
    }
    boolean daneWanted = explicit.map(l -> l == TlsPolicy.Level.DANE || l == TlsPolicy.Level.DANE_ONLY)
        .orElse(config.dns().dnssec());
    if (daneWanted && hops instanceof MxResolver.Hops.Found found) {
      Map<String, Dane.HostPolicy> dane = dane(domain, found.hops());
      boolean applies = dane.values().stream().anyMatch(p -> !(p instanceof Dane.HostPolicy.None));
      if (applies || explicit.isPresent()) {
        // DANE takes precedence over MTA-STS where TLSA records exist (RFC 8461 §2)
        TlsPolicy.Level level = explicit.orElse(TlsPolicy.Level.DANE);
        return viaHops(m, ts, hops, domain, false, null,
            new TlsRequirement(level, domain, explicit.isPresent() ? "tls_policy" : "dane", dane),
            applies ? tlsaPolicy(domain, dane) : Policy.none(domain));
      }
    }
    if (explicit.isPresent()) {
      return viaHops(m, ts, hops, domain, false, null, new TlsRequirement(explicit.get(), domain, "tls_policy"),
          Policy.none(domain));
    }
    Optional<MtaStsPolicy> sts = config.mtaSts().enabled() && mtaSts != null ? mtaSts.policy(domain) : Optional.empty();
    if (sts.isEmpty() || sts.get().mode() == MtaStsPolicy.Mode.NONE || !(hops instanceof MxResolver.Hops.Found found)) {
      return viaHops(m, ts, hops, domain, false, null, TlsRequirement.opportunistic(domain), Policy.none(domain));
    }
    Policy report = new Policy(domain, Policy.Type.STS, List.of(sts.get().text().split("\r\n")), sts.get().mx());
    List<MxResolver.Hop> allowed = found.hops().stream().filter(h -> sts.get().allows(h.host())).toList();
    List<MxResolver.Hop> unnamed = found.hops().stream().filter(h -> !sts.get().allows(h.host())).toList();
    if (sts.get().mode() == MtaStsPolicy.Mode.TESTING) {
      if (!unnamed.isEmpty()) {
        log.info("{}: mta-sts testing: {} has MX hosts its policy does not name; sent anyway", m.id(), domain);
        reportUnnamed(report, unnamed);
      }
      // certificates are not verified in testing mode: only a policy whose MX hosts all match counts sessions
      return viaHops(m, ts, hops, domain, false, null, TlsRequirement.opportunistic(domain), unnamed.isEmpty() ? report : null);
    }
    if (allowed.isEmpty()) {
      reportUnnamed(report, unnamed);
      return all(ts, temp("4.7.5 no MX host of " + domain + " is named by its MTA-STS policy (mx: "
          + String.join(", ", sts.get().mx()) + ")"));
    }
    return viaHops(m, ts, new MxResolver.Hops.Found(allowed), domain, false, null,
        new TlsRequirement(TlsPolicy.Level.VERIFY, domain, "mta-sts"), report);
  }

  /** RFC 8460 {@code validation-failure} for each MX host an MTA-STS policy does not name. */
  private void reportUnnamed(Policy report, List<MxResolver.Hop> unnamed) {
    for (MxResolver.Hop h : unnamed) {
      reports.failure(report, new TlsReports.Failure(ResultType.VALIDATION_FAILURE, "", h.host(),
          h.address().getAddress().getHostAddress(), "MX host not named by the MTA-STS policy"));
    }
  }

  /** The report policy of DANE: the validated TLSA records of every MX host, in presentation form. */
  private static Policy tlsaPolicy(String domain, Map<String, Dane.HostPolicy> dane) {
    List<String> records = new ArrayList<>();
    for (Dane.HostPolicy p : new java.util.TreeMap<>(dane).values()) {
      if (p instanceof Dane.HostPolicy.Usable u) {
        for (dev.postamt.dns.Resolver.Tlsa t : u.records()) {
          String line = t.usage() + " " + t.selector() + " " + t.matchingType() + " " + java.util.HexFormat.of().formatHex(t.data());
          if (!records.contains(line)) {
            records.add(line);
          }
        }
      }
    }
    return new Policy(domain, Policy.Type.TLSA, records, List.of());
  }

  /**
   * RFC 8689 §5: a message with {@code TLS-Required: No} is sent whatever TLS the recipient domain's
   * published policies (DANE, MTA-STS) demand, with STARTTLS still tried opportunistically. Our own
   * {@code [tls_policy]} entries are the operator's, not the recipient's, and keep applying; REQUIRETLS
   * (checked before this) wins over the header field (§5: the field is then ignored). A message that
   * cannot be read is treated as without the field: the stricter path.
   */
  private boolean tlsRequiredNo(QueuedMessage m) {
    try (java.io.InputStream in = spool.openMessage(m)) {
      return dev.postamt.delivery.tls.TlsRequiredHeader.saysNo(m.headers(), in);
    } catch (IOException e) {
      log.warn("{}: cannot read the header section for TLS-Required: {}", m.id(), e.getMessage());
      return false;
    }
  }

  /**
   * A REQUIRETLS message (RFC 8689 §4.2.1) goes only to MX hosts that are authenticated — by DNSSEC
   * (the MX RRset validated) or by the domain's MTA-STS policy — over TLS whose certificate is
   * verified by DANE (when the host has usable TLSA records) or by PKIX naming the MX host, and that
   * offer REQUIRETLS themselves. A domain whose MX hosts cannot be authenticated gets a bounce.
   */
  private List<RecipientStatus> requireTls(QueuedMessage m, String domain, List<Target> ts, MxResolver.Hops hops) {
    if (!(hops instanceof MxResolver.Hops.Found found)) {
      return viaHops(m, ts, hops, domain, false, null, new TlsRequirement(TlsPolicy.Level.VERIFY, domain, "requiretls"));
    }
    boolean secureMx = config.dns().dnssec() && resolver.mxSecured(domain).secure();
    if (secureMx) {
      Map<String, Dane.HostPolicy> dane = dane(domain, found.hops());
      boolean anyDane = dane.values().stream().anyMatch(p -> p instanceof Dane.HostPolicy.Usable);
      return viaHops(m, ts, hops, domain, false, null, anyDane
          ? new TlsRequirement(TlsPolicy.Level.DANE_ONLY, domain, "requiretls", dane)
          : new TlsRequirement(TlsPolicy.Level.VERIFY, domain, "requiretls"));
    }
    Optional<MtaStsPolicy> sts = config.mtaSts().enabled() && mtaSts != null ? mtaSts.policy(domain) : Optional.empty();
    if (sts.isPresent() && sts.get().mode() != MtaStsPolicy.Mode.NONE) {
      List<MxResolver.Hop> allowed = found.hops().stream().filter(h -> sts.get().allows(h.host())).toList();
      if (!allowed.isEmpty()) {
        return viaHops(m, ts, new MxResolver.Hops.Found(allowed), domain, false, null,
            new TlsRequirement(TlsPolicy.Level.VERIFY, domain, "requiretls"));
      }
    }
    return all(ts, new RecipientStatus.PermFail(Instant.now(), "5.7.10 REQUIRETLS: the MX hosts of " + domain
        + " cannot be authenticated (no DNSSEC-validated MX records, no MTA-STS policy naming them)"));
  }

  /**
   * RFC 7672 §2.2: when the domain's MX RRset is DNSSEC-validated, each MX host's TLSA records at
   * {@code _25._tcp.HOST} (the port mail goes to) decide for that host; an insecure MX RRset means
   * DANE does not apply to any of them.
   */
  private Map<String, Dane.HostPolicy> dane(String domain, List<MxResolver.Hop> hops) {
    if (!resolver.mxSecured(domain).secure()) {
      return Map.of();
    }
    Map<String, Dane.HostPolicy> out = new java.util.HashMap<>();
    for (MxResolver.Hop h : hops) {
      out.computeIfAbsent(h.host().toLowerCase(Locale.ROOT), host -> Dane.lookup(resolver, host, h.address().getPort()));
    }
    return out;
  }

  /**
   * The {@code [tls_policy]} level of a relay host or transport next hop, else opportunistic TLS; a
   * REQUIRETLS message needs at least {@code verify} (RFC 8689 §4.2.1: a certificate valid for the host).
   */
  private TlsRequirement explicitOrMay(String host, boolean requireTls) {
    Optional<TlsPolicy.Level> l = config.tlsPolicy().levelFor(host);
    if (requireTls && l.map(x -> x != TlsPolicy.Level.SECURE && x != TlsPolicy.Level.DANE_ONLY).orElse(true)) {
      return new TlsRequirement(TlsPolicy.Level.VERIFY, host, "requiretls");
    }
    return l.map(x -> new TlsRequirement(x, host, "tls_policy")).orElseGet(() -> TlsRequirement.opportunistic(host));
  }

  private SmtpTransaction.Credentials credentials() {
    Relay r = config.relay();
    if (r.relayhostUser().isEmpty()) {
      return null;
    }
    String password = r.relayhostPassword().orElse(null);
    if (password == null) {
      try {
        // read at each use so that a changed password file applies without a restart
        password = Files.readAllLines(r.relayhostPasswordFile().orElseThrow()).stream().findFirst().orElse("").strip();
      } catch (IOException e) {
        log.warn("relay.relayhost_password_file: {}", e.toString());
        password = "";
      }
    }
    return new SmtpTransaction.Credentials(r.relayhostUser().get(), password);
  }

  /**
   * Routes messages sent from now on by {@code fresh}'s {@code [transport]} table and {@code [relay]}
   * relayhost (a reload); the connection settings of {@code [delivery]} stay until the next restart.
   */
  public void reconfigure(Config fresh) {
    this.config = fresh;
  }

  private List<RecipientStatus> viaHops(
      QueuedMessage m,
      List<Target> ts,
      MxResolver.Hops hops,
      String destination,
      boolean lmtp,
      SmtpTransaction.Credentials credentials,
      TlsRequirement tls) {
    return viaHops(m, ts, hops, destination, lmtp, credentials, tls, null);
  }

  /**
   * Tries the hops in order until every recipient has a final answer or the hops are used up.
   *
   * @param report the policy new connections' TLS results are reported under (RFC 8460); null: none
   */
  private List<RecipientStatus> viaHops(
      QueuedMessage m,
      List<Target> ts,
      MxResolver.Hops hops,
      String destination,
      boolean lmtp,
      SmtpTransaction.Credentials credentials,
      TlsRequirement tls,
      Policy report) {
    if (hops instanceof MxResolver.Hops.Failed f) {
      String text = f.status() + " " + f.text();
      return all(ts, f.permanent() ? new RecipientStatus.PermFail(Instant.now(), text) : temp(text));
    }
    List<MxResolver.Hop> list = ((MxResolver.Hops.Found) hops).hops();
    Semaphore limit = perDestination.computeIfAbsent(destination, d -> new Semaphore(config.queue().perDestination()));
    try {
      limit.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return all(ts, temp("4.3.0 interrupted"));
    }
    try {
      RecipientStatus[] out = new RecipientStatus[ts.size()];
      List<Integer> pending = new ArrayList<>();
      for (int i = 0; i < ts.size(); i++) {
        pending.add(i);
      }
      String lastError = "4.4.1 no host could be tried";
      for (MxResolver.Hop hop : list) {
        if (pending.isEmpty()) {
          break;
        }
        List<Target> now = pending.stream().map(ts::get).toList();
        SmtpTransaction.Outcome o = smtp.attempt(m, now, hop, lmtp, credentials, tls, report);
        if (o instanceof SmtpTransaction.Outcome.HostFailed hf) {
          lastError = hf.reason();
          log.info("{}: {} {}: {}; trying the next host if any", m.id(), lmtp ? "lmtp" : "smtp", hop.address(), hf.reason());
          dev.postamt.events.Events.at(config.dataDir()).emit(dev.postamt.events.Event.DELIVERY_ATTEMPT, dev.postamt.events.TrailKey.queue(m.id()).withRecipients(now.stream().map(Target::address).toList()), "host", hostText(hop), "reply", hf.reason());
          continue;
        }
        List<RecipientStatus> res = ((SmtpTransaction.Outcome.Answered) o).statuses();
        dev.postamt.events.Events.at(config.dataDir()).emit(dev.postamt.events.Event.DELIVERY_ATTEMPT, dev.postamt.events.TrailKey.queue(m.id()).withRecipients(now.stream().map(Target::address).toList()), "host", hostText(hop), "reply", replies(res));
        List<Integer> still = new ArrayList<>();
        for (int k = 0; k < now.size(); k++) {
          RecipientStatus s = res.get(k);
          int idx = pending.get(k);
          out[idx] = s;
          if (s instanceof RecipientStatus.TempFail t) {
            still.add(idx);
            lastError = t.reason();
          }
        }
        pending = still;
      }
      for (int idx : pending) {
        if (out[idx] == null) {
          // a host refused for good (REQUIRETLS not kept) is a bounce; anything else is tried again
          out[idx] = lastError.startsWith("5.") ? new RecipientStatus.PermFail(Instant.now(), lastError) : temp(lastError);
        }
      }
      return List.of(out);
    } finally {
      limit.release();
    }
  }

  /** Transport {@code local}: the local part is a user or alias of our hostname. */
  private List<RecipientStatus> toLocal(QueuedMessage m, List<Target> ts) {
    List<RecipientStatus> out = new ArrayList<>();
    for (Target t : ts) {
      String localPart = t.address().substring(0, t.address().lastIndexOf('@'));
      Resolution r = router.resolve(localPart);
      out.add(
          switch (r) {
            case Resolution.Local l -> {
              RecipientStatus worst = null;
              for (Destination d : l.destinations()) {
                if (d instanceof Destination.Remote) {
                  continue; // would loop through this transport again; local means local
                }
                RecipientStatus s = local.deliver(m, t.index(), t.address(), d, true);
                if (worst == null || !(s instanceof RecipientStatus.Delivered)) {
                  worst = s;
                }
              }
              yield worst != null ? worst : new RecipientStatus.PermFail(Instant.now(), "5.1.1 no local destination for " + localPart);
            }
            case Resolution.TempFail f -> temp("4.3.0 " + f.reason());
            default ->
                new RecipientStatus.PermFail(Instant.now(), "5.1.1 <" + t.address() + ">: no such local user " + localPart);
          });
    }
    return out;
  }

  private static List<RecipientStatus> all(List<Target> ts, RecipientStatus s) {
    return ts.stream().map(t -> s).toList();
  }

  static RecipientStatus temp(String reason) {
    return new RecipientStatus.TempFail(Instant.now(), 0, reason);
  }

  private static String withStatus(String def, String text) {
    return text.matches("[245]\\.\\d{1,3}\\.\\d{1,3}( .*)?") ? text : def + " " + text;
  }

  @Override
  public void close() {
    cache.close();
  }

  /** A hop as the trail names it, Postfix-style: {@code mx.example.org[192.0.2.1]:25}. */
  private static String hostText(MxResolver.Hop hop) {
    return hop.host() + "[" + hop.address().getAddress().getHostAddress() + "]:" + hop.address().getPort();
  }

  /** What a host answered for each recipient, for the trail's {@code delivery.attempt}. */
  private static String replies(List<RecipientStatus> statuses) {
    return String.join("; ", statuses.stream().map(s -> switch (s) {
      case RecipientStatus.Delivered d -> d.detail();
      case RecipientStatus.TempFail t -> t.reason();
      case RecipientStatus.PermFail p -> p.reason();
      case RecipientStatus.Scheduled x -> "not tried";
    }).toList());
  }
}
