package dev.postamt.policy;

import dev.postamt.config.Policy;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sender address verification by callback, as Postfix's {@code reject_unverified_sender}: connect to
 * the sender domain's MX (RFC 5321 §5.1: the MX hosts by preference, or the domain's own address
 * without MX), {@code EHLO}, {@code MAIL FROM:<>}, {@code RCPT TO:<sender>}, {@code QUIT}, and no
 * message. A 2xx to RCPT verifies the sender; any 5xx makes it undeliverable; everything else
 * (nothing reachable, 4xx, a time-out) is a temporary failure.
 *
 * <p>Results are cached per address: deliverable for {@code policy.verify_positive_ttl},
 * undeliverable for {@code verify_negative_ttl}. A temporary failure is cached per <em>domain</em> for
 * {@code verify_tempfail_ttl}, so a domain whose MX is down or greylisting is probed at most once in
 * that time however many senders of it arrive; probes of one domain run one at a time. At most
 * {@value #MAX_ENTRIES} addresses are kept (the oldest dropped first when full).
 */
final class SenderVerifier {
  static final int MAX_ENTRIES = 100_000;
  /** MX hosts tried per probe. */
  static final int MAX_HOSTS = 3;

  enum Status {
    DELIVERABLE,
    UNDELIVERABLE,
    TEMPFAIL,
    /** Not known (a dry run with nothing cached). */
    UNKNOWN
  }

  record Result(Status status, String detail) {}

  private record Cached(Result result, Instant until) {}

  private final Resolver dns;
  private final Policy.Verify config;
  private final String hostname;
  private final Clock clock;
  private final ConcurrentHashMap<String, Cached> addresses = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Cached> tempfailedDomains = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Object> domainLocks = new ConcurrentHashMap<>();

  SenderVerifier(Resolver dns, Policy.Verify config, String hostname, Clock clock) {
    this.dns = dns;
    this.config = config;
    this.hostname = hostname;
    this.clock = clock;
  }

  /** What is known about {@code sender} without probing. */
  Result cached(String sender) {
    String key = sender.toLowerCase(Locale.ROOT);
    Instant now = clock.instant();
    Cached c = addresses.get(key);
    if (c != null && c.until().isAfter(now)) {
      return new Result(c.result().status(), c.result().detail() + " (cached)");
    }
    Cached d = tempfailedDomains.get(domain(key));
    if (d != null && d.until().isAfter(now)) {
      return new Result(Status.TEMPFAIL, d.result().detail() + " (cached for the domain)");
    }
    return new Result(Status.UNKNOWN, "not verified yet (check policy does not probe)");
  }

  /** The cached result, or a probe's (which is then cached). */
  Result verify(String sender) {
    Result known = cached(sender);
    if (known.status() != Status.UNKNOWN) {
      return known;
    }
    String key = sender.toLowerCase(Locale.ROOT);
    String domain = domain(key);
    if (domainLocks.size() > MAX_ENTRIES) {
      domainLocks.clear();
    }
    synchronized (domainLocks.computeIfAbsent(domain, d -> new Object())) {
      known = cached(sender); // another session may have probed meanwhile
      if (known.status() != Status.UNKNOWN) {
        return known;
      }
      Result r = probe(sender, domain);
      Instant now = clock.instant();
      switch (r.status()) {
        case DELIVERABLE -> put(key, new Cached(r, now.plus(config.positiveTtl())));
        case UNDELIVERABLE -> put(key, new Cached(r, now.plus(config.negativeTtl())));
        default -> tempfailedDomains.put(domain, new Cached(r, now.plus(config.tempfailTtl())));
      }
      return r;
    }
  }

  private void put(String key, Cached c) {
    if (addresses.size() >= MAX_ENTRIES) {
      Instant now = clock.instant();
      addresses.values().removeIf(x -> !x.until().isAfter(now));
      if (addresses.size() >= MAX_ENTRIES) {
        addresses.entrySet().stream().min(Comparator.comparing(e -> e.getValue().until()))
            .ifPresent(e -> addresses.remove(e.getKey()));
      }
    }
    addresses.put(key, c);
  }

  private static String domain(String address) {
    return address.substring(address.lastIndexOf('@') + 1);
  }

  /** The addresses to try, in MX preference order (RFC 5321 §5.1); empty with a reason in {@code why}. */
  private List<InetAddress> targets(String domain, StringBuilder why) {
    DnsResult<Resolver.Mx> mx = dns.mx(domain);
    List<String> hosts = new ArrayList<>();
    if (mx.status() == DnsResult.Status.OK && !mx.records().isEmpty()) {
      if (mx.records().size() == 1 && mx.records().getFirst().host().isEmpty()) {
        why.append("null MX: ").append(domain).append(" takes no mail");
        return null; // undeliverable
      }
      mx.records().stream().sorted(Comparator.comparingInt(Resolver.Mx::preference)).limit(MAX_HOSTS)
          .forEach(m -> hosts.add(m.host()));
    } else if (mx.status() == DnsResult.Status.TEMPFAIL) {
      why.append("DNS error looking up the MX of ").append(domain);
      return List.of();
    } else {
      hosts.add(domain); // no MX: the domain itself is the implicit MX
    }
    List<InetAddress> out = new ArrayList<>();
    for (String h : hosts) {
      out.addAll(dns.a(h).records());
      out.addAll(dns.aaaa(h).records());
    }
    if (out.isEmpty()) {
      why.append("no address for the mail hosts of ").append(domain);
    }
    return out;
  }

  private Result probe(String sender, String domain) {
    StringBuilder why = new StringBuilder();
    List<InetAddress> targets = targets(domain, why);
    if (targets == null) {
      return new Result(Status.UNDELIVERABLE, why.toString());
    }
    if (targets.isEmpty()) {
      return new Result(Status.TEMPFAIL, why.toString());
    }
    long deadline = System.nanoTime() + config.timeout().toNanos();
    String last = "";
    for (InetAddress a : targets.subList(0, Math.min(targets.size(), MAX_HOSTS))) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(a, config.port()), (int) left);
        return conversation(s, sender, a, deadline);
      } catch (IOException e) {
        last = "cannot talk to " + dev.postamt.dns.DnsNames.addressText(a) + ": " + e.getMessage();
      }
    }
    return new Result(Status.TEMPFAIL, last.isEmpty() ? "no mail host of " + domain + " answered in time" : last);
  }

  /** The probe on a connected socket: greeting, EHLO (HELO if refused), MAIL FROM:<>, RCPT TO:<sender>, QUIT. */
  private Result conversation(Socket s, String sender, InetAddress a, long deadline) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    OutputStream out = s.getOutputStream();
    String host = "[" + dev.postamt.dns.DnsNames.addressText(a) + "]";
    String reply = read(in, s, deadline);
    if (!reply.startsWith("2")) {
      return answer(reply, host, "the greeting");
    }
    reply = command(out, in, s, deadline, "EHLO " + hostname);
    if (!reply.startsWith("2")) {
      reply = command(out, in, s, deadline, "HELO " + hostname);
      if (!reply.startsWith("2")) {
        return answer(reply, host, "HELO");
      }
    }
    reply = command(out, in, s, deadline, "MAIL FROM:<>");
    if (!reply.startsWith("2")) {
      return answer(reply, host, "MAIL FROM");
    }
    reply = command(out, in, s, deadline, "RCPT TO:<" + sender + ">");
    Result r = answer(reply, host, "RCPT TO");
    try {
      command(out, in, s, deadline, "QUIT");
    } catch (IOException ignored) {
      // the answer is in; a server that hangs up first is fine
    }
    return r;
  }

  /** 2xx deliverable, 5xx undeliverable, anything else temporary; the detail quotes the server. */
  private static Result answer(String reply, String host, String step) {
    String detail = "host " + host + " said: " + dev.postamt.net.Printable.of(reply) + " (in reply to " + step + ")";
    if (reply.startsWith("2") && step.equals("RCPT TO")) {
      return new Result(Status.DELIVERABLE, detail);
    }
    if (reply.startsWith("5")) {
      return new Result(Status.UNDELIVERABLE, detail);
    }
    return new Result(Status.TEMPFAIL, detail);
  }

  private static String command(OutputStream out, BufferedReader in, Socket s, long deadline, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return read(in, s, deadline);
  }

  /** One reply, its last line (a multi-line reply's lines have {@code -} after the code). */
  private static String read(BufferedReader in, Socket s, long deadline) throws IOException {
    for (int lines = 0; lines < 100; lines++) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new java.net.SocketTimeoutException("probe time-out");
      }
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
      String l = in.readLine();
      if (l == null) {
        throw new IOException("connection closed");
      }
      if (l.length() > 1000) {
        throw new IOException("reply line too long");
      }
      if (l.length() < 4 || l.charAt(3) != '-') {
        if (!l.matches("[2-5]\\d\\d.*")) {
          throw new IOException("not an SMTP reply: " + dev.postamt.net.Printable.of(l));
        }
        return l;
      }
    }
    throw new IOException("reply of too many lines");
  }
}
