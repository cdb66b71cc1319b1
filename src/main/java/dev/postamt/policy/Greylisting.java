package dev.postamt.policy;

import dev.postamt.config.Cidr;
import dev.postamt.config.Greylist;
import dev.postamt.dns.DnsNames;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code check_greylist}, with postgrey's semantics. The triplet is the client network ({@code
 * ipv4_prefix}, default /24; {@code ipv6_prefix}, default /64), the normalised sender and the
 * recipient. A new triplet is deferred with {@code 450 4.2.0}; a retry after {@code delay} and within
 * {@code retry_window} of the first attempt passes (a later one starts over); a triplet that passed
 * passes from then on while it is used; entries unused for {@code expire} are forgotten. A client
 * network with {@code auto_whitelist_after} passed triplets is no longer greylisted.
 *
 * <p>Exempt: authenticated clients, {@code relay.networks}, clients an allow list ({@code [dnsbl]} site
 * with a negative weight) lists, {@code whitelist_clients} (address blocks, or a domain matched against
 * the forward-confirmed reverse name) and {@code whitelist_recipients}.
 *
 * <p>Sender normalisation (our choice, close to postgrey's): lower case; a {@code +extension} of the
 * local part dropped; every run of digits in the local part becomes {@code #} (so VERP and SRS
 * bounce addresses that number each message are one sender); the null sender is {@code <>}.
 */
final class Greylisting {
  private static final Logger log = LoggerFactory.getLogger(Greylisting.class);
  private static final Duration PURGE_EVERY = Duration.ofHours(1);

  private final Greylist config;
  private final GreylistStore store;
  private final Clock clock;
  private final AtomicLong lastPurge = new AtomicLong();
  /**
   * How stale "last seen" may get for a known triplet or auto-whitelisted network before it is written
   * again: it only serves expiry (at least an hour), so a client sending many messages costs one write
   * a minute instead of one per recipient.
   */
  static final Duration REFRESH = Duration.ofMinutes(1);
  /** When each auto-whitelisted network's last seen was last written (bounded; cleared when full). */
  private final java.util.concurrent.ConcurrentHashMap<String, Instant> clientRefreshed = new java.util.concurrent.ConcurrentHashMap<>();

  Greylisting(Greylist config, GreylistStore store, Clock clock) {
    this.config = config;
    this.store = store;
    this.clock = clock;
  }

  /** @param dryRun only read the state ({@code postamt check policy}) */
  CheckResult check(PolicyRequest r, ClientFacts facts, boolean dryRun) {
    if (!config.enabled()) {
      return CheckResult.dunno("greylisting is off ([greylist] enabled = false)");
    }
    if (r.recipient() == null || r.sender() == null) {
      return CheckResult.dunno("greylisting needs a sender and a recipient (recipient list only)");
    }
    String exempt = exemption(r, facts);
    if (exempt != null) {
      return CheckResult.dunno("exempt from greylisting: " + exempt);
    }
    if (store == null) {
      return CheckResult.dunno("no greylist state available; not greylisted");
    }
    String network = network(r.client());
    String key = network + "/" + normaliseSender(r.sender()) + "/" + r.recipient().toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    try {
      GreylistStore.Lookup l = store.lookup(key, network);
      if (config.autoWhitelistAfter() > 0 && l.clientPasses() >= config.autoWhitelistAfter()) {
        if (!dryRun && stale(clientRefreshed.get(network), now)) {
          if (clientRefreshed.size() >= 100_000) {
            clientRefreshed.clear();
          }
          store.seenClient(network, now);
          clientRefreshed.put(network, now);
        }
        return CheckResult.dunno("client network " + network + " auto-whitelisted after " + l.clientPasses() + " passed retries");
      }
      GreylistStore.Entry e = l.triplet().orElse(null);
      if (e != null && e.passed()) {
        if (!dryRun && stale(e.lastSeen(), now)) {
          store.pass(key, network, now);
        }
        return CheckResult.dunno("triplet passed greylisting before (first seen " + e.firstSeen() + ")");
      }
      if (e == null || Duration.between(e.firstSeen(), now).compareTo(config.retryWindow()) > 0) {
        if (!dryRun) {
          store.start(key, now);
          purgeNowAndThen(now);
        }
        return deferred(r, config.delay(), e == null ? "new triplet " + key : "retry came after the retry window; starting over");
      }
      Duration waited = Duration.between(e.firstSeen(), now);
      if (waited.compareTo(config.delay()) < 0) {
        if (!dryRun) {
          store.touch(key, now);
        }
        return deferred(r, config.delay().minus(waited), "retried after " + waited.toSeconds() + "s, before the delay of " + config.delay().toSeconds() + "s");
      }
      if (!dryRun) {
        store.pass(key, network, now);
      }
      return CheckResult.dunno("retried after " + waited.toSeconds() + "s: greylisting passed");
    } catch (GreylistStore.Failure f) {
      log.warn("policy: greylist state unavailable, deferring: {}", f.getMessage());
      return CheckResult.refuse(451, "4.3.0", "<" + r.recipient() + ">: Temporary local problem, please try again later", "greylist state unavailable: " + f.getMessage());
    }
  }

  /** Whether a last-seen time written at {@code written} (null: never) is due to be written again. */
  private static boolean stale(Instant written, Instant now) {
    return written == null || Duration.between(written, now).compareTo(REFRESH) >= 0 || written.isAfter(now);
  }

  private CheckResult deferred(PolicyRequest r, Duration wait, String reason) {
    long seconds = Math.max(1, wait.toSeconds());
    return CheckResult.refuse(
        450,
        "4.2.0",
        "<" + r.recipient() + ">: Recipient address rejected: Greylisted, please try again in " + seconds
            + " seconds (a legitimate server retries; see docs/policy.md)",
        reason);
  }

  private String exemption(PolicyRequest r, ClientFacts facts) {
    if (r.saslUser() != null) {
      return "authenticated as " + r.saslUser();
    }
    if (r.mynetworks()) {
      return "client is in relay.networks";
    }
    InetAddress ip = r.client();
    for (Cidr c : config.clientNetworks()) {
      if (c.contains(ip)) {
        return "client in whitelist_clients " + c;
      }
    }
    if (!config.clientDomains().isEmpty()) {
      String name = facts.fcrdns().name().orElse(null);
      if (name != null) {
        for (String d : config.clientDomains()) {
          if (d.startsWith(".") ? name.endsWith(d) : name.equals(d) || name.endsWith("." + d)) {
            return "client " + name + " in whitelist_clients " + d;
          }
        }
      }
    }
    String rcpt = r.recipient().toLowerCase(Locale.ROOT);
    String domain = PolicyRequest.domainOf(rcpt);
    String local = rcpt.substring(0, Math.max(0, rcpt.lastIndexOf('@')));
    for (String w : config.recipients()) {
      if (w.equals(rcpt) || w.equals(domain) || w.equals(local + "@")) {
        return "recipient in whitelist_recipients " + w;
      }
    }
    if (facts.score().allowListed()) {
      return "client on an allow list (DNSWL)";
    }
    return null;
  }

  /** The client's network as text: {@code 192.0.2.0/24}. */
  String network(InetAddress client) {
    byte[] b = DnsNames.canonical(client).getAddress();
    int prefix = b.length == 4 ? config.ipv4Prefix() : config.ipv6Prefix();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      b[i] = (byte) (b[i] & (0xff << (8 - keep)));
    }
    try {
      return DnsNames.addressText(InetAddress.getByAddress(b)) + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static String normaliseSender(String sender) {
    if (sender.isEmpty()) {
      return "<>";
    }
    String s = sender.toLowerCase(Locale.ROOT);
    int at = s.lastIndexOf('@');
    String local = at < 0 ? s : s.substring(0, at);
    String domain = at < 0 ? "" : s.substring(at);
    int plus = local.indexOf('+');
    if (plus > 0) {
      local = local.substring(0, plus);
    }
    return local.replaceAll("[0-9]+", "#") + domain;
  }

  private void purgeNowAndThen(Instant now) {
    long last = lastPurge.get();
    if (now.getEpochSecond() - last >= PURGE_EVERY.toSeconds() && lastPurge.compareAndSet(last, now.getEpochSecond())) {
      int n = store.purge(now.minus(config.expire()));
      if (n > 0) {
        log.info("policy: greylist expired {} entries unused for {}", n, config.expire());
      }
    }
  }
}
