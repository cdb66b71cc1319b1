package dev.postamt.policy;

import dev.postamt.config.Dnsbl;
import dev.postamt.config.Dnsbl.Site;
import dev.postamt.dns.DnsNames;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks DNS block and allow lists (RFC 5782): the client address reversed under the zone ({@code
 * 2.0.0.127.zone}, nibbles for IPv6), or a domain under the zone (RHSBL). A zone lists the subject when
 * it has an A record that matches the site's pattern. All queries of one question run in parallel on
 * virtual threads and must answer within the time-out; one that does not, or that fails (SERVFAIL), is
 * {@link Status#SKIPPED} and never counts against the client. Answers are cached per TTL by the
 * resolver.
 */
final class DnsLists {
  private static final ExecutorService QUERIES = Executors.newVirtualThreadPerTaskExecutor();

  private final Resolver dns;
  private final Dnsbl config;

  DnsLists(Resolver dns, Dnsbl config) {
    this.dns = dns;
    this.config = config;
  }

  enum Status {
    LISTED,
    NOT_LISTED,
    SKIPPED
  }

  /**
   * One answer.
   *
   * @param subject what was asked about, as shown in replies: {@code [192.0.2.1]}, {@code
   *     [sender.example]}
   * @param detail the matching address, or why it was skipped
   */
  record Answer(Site site, String subject, Status status, String detail, String name) {}

  /**
   * The list's TXT record for a listing, as Postfix adds it to the reply ({@code ; text}): printable
   * ASCII, at most 200 characters; {@code ""} when there is none or it cannot be had at once.
   */
  String reason(Answer a) {
    DnsResult<String> txt = dns.txt(a.name());
    if (txt.status() != DnsResult.Status.OK || txt.records().isEmpty()) {
      return "";
    }
    String t = txt.records().getFirst().replaceAll("[^\\x20-\\x7e]", "?");
    return "; " + (t.length() > 200 ? t.substring(0, 200) : t);
  }

  /**
   * The postscreen-like score of a client: the weights of every {@code sites} zone that lists the
   * address and every {@code rhsbl_sites} zone that lists the sender domain or the HELO name.
   */
  record Score(int total, List<Answer> answers) {
    /** The zones with a positive weight that listed the client, for the reply. */
    List<String> blocking() {
      return answers.stream().filter(a -> a.status() == Status.LISTED && a.site().weight() > 0).map(a -> a.site().zone()).distinct().toList();
    }

    /** Whether an allow list (a negative weight) lists the client: greylisting exempts it. */
    boolean allowListed() {
      return answers.stream().anyMatch(a -> a.status() == Status.LISTED && a.site().weight() < 0);
    }

    List<Answer> skipped() {
      return answers.stream().filter(a -> a.status() == Status.SKIPPED).toList();
    }
  }

  Score score(InetAddress client, String senderDomain, String helo) {
    List<Question> qs = new ArrayList<>();
    for (Site s : config.sites()) {
      qs.add(clientQuestion(s, client));
    }
    for (Site s : config.rhsblSites()) {
      if (senderDomain != null && isDomain(senderDomain)) {
        qs.add(new Question(s, senderDomain + "." + s.zone(), "[" + senderDomain + "]"));
      }
      if (helo != null && isDomain(helo) && !helo.equalsIgnoreCase(senderDomain)) {
        qs.add(new Question(s, DnsNames.normalize(helo) + "." + s.zone(), "[" + DnsNames.normalize(helo) + "]"));
      }
    }
    List<Answer> answers = ask(qs);
    int total = answers.stream().filter(a -> a.status() == Status.LISTED).mapToInt(a -> a.site().weight()).sum();
    return new Score(total, answers);
  }

  /** One zone about the client address ({@code reject_rbl_client}, {@code permit_dnswl_client}). */
  Answer client(Site site, InetAddress client) {
    return ask(List.of(clientQuestion(site, client))).getFirst();
  }

  /** One zone about a domain ({@code reject_rhsbl_sender}, {@code reject_rhsbl_helo}). */
  Answer domain(Site site, String domain) {
    String d = DnsNames.normalize(domain);
    return ask(List.of(new Question(site, d + "." + site.zone(), "[" + d + "]"))).getFirst();
  }

  /** A name that can stand under a zone: queryable, not an address literal. */
  static boolean isDomain(String name) {
    return !name.isEmpty() && !name.startsWith("[") && name.contains(".") && DnsNames.isQueryable(name);
  }

  private record Question(Site site, String name, String subject) {}

  private static Question clientQuestion(Site site, InetAddress client) {
    String rev = DnsNames.reverseName(client);
    String reversed = rev.substring(0, rev.lastIndexOf(rev.endsWith("in-addr.arpa") ? ".in-addr.arpa" : ".ip6.arpa"));
    return new Question(site, reversed + "." + site.zone(), "[" + DnsNames.addressText(client) + "]");
  }

  private List<Answer> ask(List<Question> qs) {
    List<Future<DnsResult<InetAddress>>> futures = new ArrayList<>();
    for (Question q : qs) {
      futures.add(QUERIES.submit(() -> dns.a(q.name())));
    }
    long deadline = System.nanoTime() + config.timeout().toNanos();
    List<Answer> out = new ArrayList<>();
    for (int i = 0; i < qs.size(); i++) {
      Question q = qs.get(i);
      Future<DnsResult<InetAddress>> f = futures.get(i);
      try {
        DnsResult<InetAddress> r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        out.add(answer(q, r));
      } catch (TimeoutException e) {
        f.cancel(true);
        out.add(new Answer(q.site(), q.subject(), Status.SKIPPED, "no answer from " + q.site().zone() + " within " + render(config.timeout()), q.name()));
      } catch (ExecutionException e) {
        out.add(new Answer(q.site(), q.subject(), Status.SKIPPED, "lookup in " + q.site().zone() + " failed: " + e.getCause(), q.name()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.add(new Answer(q.site(), q.subject(), Status.SKIPPED, "interrupted", q.name()));
      }
    }
    return out;
  }

  private static Answer answer(Question q, DnsResult<InetAddress> r) {
    if (r.status() == DnsResult.Status.TEMPFAIL) {
      return new Answer(q.site(), q.subject(), Status.SKIPPED, "DNS error (SERVFAIL or time-out) asking " + q.name(), q.name());
    }
    for (InetAddress a : r.records()) {
      if (q.site().matches(a)) {
        return new Answer(q.site(), q.subject(), Status.LISTED, q.name() + " = " + DnsNames.addressText(a), q.name());
      }
    }
    return new Answer(q.site(), q.subject(), Status.NOT_LISTED, r.records().isEmpty() ? "not listed" : "answer does not match " + q.site().pattern(), q.name());
  }

  private static String render(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
