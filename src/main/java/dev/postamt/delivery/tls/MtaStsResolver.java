package dev.postamt.delivery.tls;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the MTA-STS policy of a recipient domain (RFC 8461 §3 and §5.1): the {@code _mta-sts} TXT
 * record's id, then the cached policy when its id is the same and it is still fresh, else a new
 * fetch of {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} ({@link HttpsFetch}: certificate
 * verified, no redirects, at most 64 KiB, {@code text/plain}). A fetch that fails leaves a fresh cached policy in
 * force; a domain without a TXT record keeps its cached policy until it expires (§5.1, so that an
 * attacker who suppresses the TXT record gains nothing). Failed fetches are not retried for a minute.
 *
 * <p>Policies are cached in memory and in {@code data_dir/mta-sts/DOMAIN} (the policy text with
 * {@code id:} and {@code fetched:} lines before it), so a restart keeps them.
 */
public final class MtaStsResolver {
  private static final Logger log = LoggerFactory.getLogger(MtaStsResolver.class);
  static final int MAX_BODY = 64 * 1024;
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

  private final Resolver dns;
  private final Path dir;
  private final TrustedTls tls;
  private final int port;
  private final Clock clock;
  private final Map<String, MtaStsPolicy> cache = new ConcurrentHashMap<>();
  private final Map<String, Instant> failedUntil = new ConcurrentHashMap<>();
  private volatile FetchFailures failures = (domain, kind, reason) -> {};

  /** Why a policy could not be had, in the terms of RFC 8460 §4.3.2 (TLS reporting). */
  public enum FetchFailure {
    /** The policy host could not be reached or did not answer 200 ({@code sts-policy-fetch-error}). */
    FETCH,
    /** The answer is not a valid policy ({@code sts-policy-invalid}). */
    INVALID,
    /** The policy host's certificate could not be verified ({@code sts-webpki-invalid}). */
    WEBPKI
  }

  /** Told of every failed fetch of a domain that publishes a policy id (at most once a minute per domain). */
  @FunctionalInterface
  public interface FetchFailures {
    void failed(String domain, FetchFailure kind, String reason);
  }

  public void onFetchFailure(FetchFailures listener) {
    this.failures = listener;
  }

  /** @param port 443; tests give their own listener's */
  public MtaStsResolver(Resolver dns, Path dir, TrustedTls tls, int port, Clock clock) {
    this.dns = dns;
    this.dir = dir;
    this.port = port;
    this.clock = clock;
    this.tls = tls;
  }

  /** The policy in force for {@code domain}, if any. */
  public Optional<MtaStsPolicy> policy(String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    if (!d.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") || d.contains("..")) {
      return Optional.empty(); // an address literal or not a DNS name: no policy (and no file name from it)
    }
    Instant now = clock.instant();
    Optional<MtaStsPolicy> cached = cached(d).filter(p -> p.fresh(now));
    Optional<String> id = txtId(d);
    if (id.isEmpty()) {
      return cached;
    }
    if (cached.isPresent() && cached.get().id().equals(id.get())) {
      return cached;
    }
    Instant until = failedUntil.get(d);
    if (until != null && now.isBefore(until)) {
      return cached;
    }
    Optional<MtaStsPolicy> fetched = fetch(d, id.get(), now);
    if (fetched.isEmpty()) {
      failedUntil.put(d, now.plus(RETRY_AFTER_FAILURE));
      return cached;
    }
    failedUntil.remove(d);
    store(d, fetched.get());
    return fetched;
  }

  /** The id of the one valid {@code v=STSv1} TXT record at {@code _mta-sts.DOMAIN} (RFC 8461 §3.1). */
  private Optional<String> txtId(String domain) {
    DnsResult<String> r = dns.txt("_mta-sts." + domain);
    if (r.status() != DnsResult.Status.OK) {
      return Optional.empty();
    }
    List<String> sts = r.records().stream().filter(t -> t.startsWith("v=STSv1")).toList();
    if (sts.size() != 1) {
      return Optional.empty(); // none, or several: "the sender MUST assume no policy" (§3.1)
    }
    for (String field : sts.getFirst().split(";")) {
      String f = field.strip();
      if (f.startsWith("id=")) {
        String id = f.substring(3).strip();
        return id.matches("[A-Za-z0-9]{1,32}") ? Optional.of(id) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private Optional<MtaStsPolicy> fetch(String domain, String id, Instant now) {
    String host = "mta-sts." + domain;
    String where = "https://" + host + (port == 443 ? "" : ":" + port) + "/.well-known/mta-sts.txt";
    try {
      HttpsFetch.Answer r = HttpsFetch.get(dns, tls, host, port, "/.well-known/mta-sts.txt", MAX_BODY, Duration.ofSeconds(30));
      if (r.status() != 200) {
        log.info("mta-sts: {}: {} answered {}", domain, where, r.status());
        failures.failed(domain, FetchFailure.FETCH, where + " answered " + r.status());
        return Optional.empty();
      }
      if (!r.contentType().toLowerCase(Locale.ROOT).startsWith("text/plain")) {
        log.info("mta-sts: {}: {} is {} rather than text/plain", domain, where, r.contentType());
        failures.failed(domain, FetchFailure.INVALID, where + " is " + r.contentType() + " rather than text/plain");
        return Optional.empty();
      }
      Optional<MtaStsPolicy> p = MtaStsPolicy.parse(new String(r.body(), StandardCharsets.UTF_8), id, now);
      if (p.isEmpty()) {
        log.info("mta-sts: {}: the policy at {} is not valid", domain, where);
        failures.failed(domain, FetchFailure.INVALID, "the policy at " + where + " is not valid");
      }
      return p;
    } catch (IOException | RuntimeException e) {
      log.info("mta-sts: {}: cannot fetch {}: {}", domain, where, e.toString());
      // a certificate we cannot verify, or one naming another host, is a Web PKI failure (RFC 8461 §3.3)
      boolean pki = e instanceof javax.net.ssl.SSLHandshakeException || e instanceof javax.net.ssl.SSLPeerUnverifiedException;
      failures.failed(domain, pki ? FetchFailure.WEBPKI : FetchFailure.FETCH, "cannot fetch " + where + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<MtaStsPolicy> cached(String domain) {
    MtaStsPolicy p = cache.get(domain);
    if (p != null) {
      return Optional.of(p);
    }
    Path f = dir.resolve(domain);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(f, StandardCharsets.UTF_8);
      String[] parts = text.split("\r?\n", 3);
      if (parts.length == 3 && parts[0].startsWith("id: ") && parts[1].startsWith("fetched: ")) {
        Optional<MtaStsPolicy> q = MtaStsPolicy.parse(parts[2], parts[0].substring(4), Instant.parse(parts[1].substring(9)));
        q.ifPresent(x -> cache.put(domain, x));
        return q;
      }
    } catch (IOException | RuntimeException e) {
      log.warn("mta-sts: cannot read the cached policy {}: {}", f, e.toString());
    }
    return Optional.empty();
  }

  private void store(String domain, MtaStsPolicy p) {
    cache.put(domain, p);
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(domain + ".tmp");
      Files.writeString(tmp, "id: " + p.id() + "\nfetched: " + p.fetched() + "\n" + p.text(), StandardCharsets.UTF_8);
      Files.move(tmp, dir.resolve(domain), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      log.warn("mta-sts: cannot cache the policy of {}: {}", domain, e.toString());
    }
  }
}
