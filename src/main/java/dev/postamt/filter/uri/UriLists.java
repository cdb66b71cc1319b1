package dev.postamt.filter.uri;

import dev.postamt.config.Dnsbl;
import dev.postamt.dns.DnsNames;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.filter.Check;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The links of a message against URI DNS block lists (SURBL/URIBL style, {@code spam.uribl}: {@code
 * zone[=pattern][*score]}), and the link tricks of {@link UriTricks}. For each link host the list is
 * asked about its registered domain ({@link Domains#registered}: {@code evil.example.co.uk} for {@code
 * www.evil.example.co.uk}) as {@code evil.example.co.uk.ZONE}, and about an IPv4 host reversed ({@code
 * 4.3.2.1.ZONE}); a listing is an A record in 127.0.0.0/8 that matches the pattern.
 *
 * <p>Symbols: for the well-known lists SpamAssassin's names by return code ({@code multi.uribl.com}:
 * URIBL_BLACK/GREY/RED; {@code multi.surbl.org}: URIBL_PH/MW/ABUSE/CR_SURBL; {@code dbl.spamhaus.org}:
 * URIBL_DBL_SPAM/PHISH/MALWARE/…), for any other zone {@code URIBL_} and the zone's name ({@code
 * URIBL_MULTI_URIBL_TEST}); a {@code *score} in the config replaces the default score (1.5 for an
 * unknown zone). Answers that mean the list refused the query (127.0.0.1, 127.255.255.x) are logged and
 * count as no answer.
 *
 * <p>All queries of one message run in parallel on virtual threads and must answer within the time-out
 * ({@code spam.dns_timeout}) all together; a query that does not is skipped and logged, never a
 * symbol. At most {@link #MAX_DOMAINS} distinct domains are asked about per message; very common
 * domains that no list carries are not asked about at all.
 */
public final class UriLists implements Check {
  static final int MAX_DOMAINS = 20;
  private static final Logger log = LoggerFactory.getLogger(UriLists.class);
  private static final ExecutorService QUERIES = Executors.newVirtualThreadPerTaskExecutor();
  private static final Pattern SITE =
      Pattern.compile("([A-Za-z0-9_.-]+?)\\.?(?:=([0-9.\\[\\];]+))?(?:\\*(-?\\d{1,4}(?:\\.\\d{1,3})?))?");
  /** Domains every list leaves alone; asking about them costs queries and finds nothing. */
  private static final Set<String> SKIP = Set.of(
      "google.com", "gmail.com", "youtube.com", "microsoft.com", "apple.com", "w3.org", "yahoo.com", "facebook.com",
      "twitter.com", "x.com", "linkedin.com", "instagram.com", "amazon.com", "wikipedia.org", "github.com",
      "mozilla.org", "outlook.com", "live.com", "hotmail.com", "googleapis.com", "gstatic.com", "cloudflare.com",
      "akamaihd.net", "doubleclick.net", "paypal.com", "apache.org", "sourceforge.net", "example.com", "example.org",
      "example.net");

  /** A return code of a well-known list: the address's last two bytes, exactly or as a bit. */
  private record Code(int value, boolean bit, String symbol, double score) {
    boolean matches(int answer) {
      return bit ? (answer & 0xff & value) != 0 && (answer >> 8) == 0 : answer == value;
    }
  }

  private static final Map<String, List<Code>> KNOWN = Map.of(
      "multi.uribl.com", List.of(new Code(2, true, "URIBL_BLACK", 1.7), new Code(4, true, "URIBL_GREY", 0.4),
          new Code(8, true, "URIBL_RED", 0.001)),
      "multi.surbl.org", List.of(new Code(8, true, "URIBL_PH_SURBL", 0.6), new Code(16, true, "URIBL_MW_SURBL", 1.3),
          new Code(64, true, "URIBL_ABUSE_SURBL", 1.2), new Code(128, true, "URIBL_CR_SURBL", 1.2)),
      "dbl.spamhaus.org", List.of(new Code(0x102, false, "URIBL_DBL_SPAM", 2.5), new Code(0x104, false, "URIBL_DBL_PHISH", 2.5),
          new Code(0x105, false, "URIBL_DBL_MALWARE", 2.5), new Code(0x106, false, "URIBL_DBL_BOTNETCC", 2.5),
          new Code(0x166, false, "URIBL_DBL_ABUSE_SPAM", 1.5), new Code(0x167, false, "URIBL_DBL_ABUSE_REDIR", 0.001),
          new Code(0x168, false, "URIBL_DBL_ABUSE_PHISH", 2.0), new Code(0x169, false, "URIBL_DBL_ABUSE_MALW", 2.0),
          new Code(0x16a, false, "URIBL_DBL_ABUSE_BOTCC", 2.0)));

  /**
   * One list.
   *
   * @param zone the DNS zone
   * @param filter the answer pattern (through {@link Dnsbl.Site#matches}); null for any 127.x answer
   * @param score the configured score, or null for the defaults
   */
  record Site(String zone, Dnsbl.Site filter, Double score) {}

  private final List<Site> sites;
  private final List<String> warnings;
  private final Resolver dns;
  private final Duration timeout;

  /**
   * @param sites {@code spam.uribl} entries; a malformed one is left out with a warning ({@link #warnings})
   * @param dns the resolver (a zone-file resolver in tests and offline set-ups)
   * @param timeout how long all queries of one message may take together
   */
  public UriLists(List<String> sites, Resolver dns, Duration timeout) {
    List<Site> parsed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String s : sites) {
      try {
        parsed.add(parse(s));
      } catch (IllegalArgumentException e) {
        problems.add("spam.uribl: " + e.getMessage() + "; left out");
        log.warn("spam.uribl: {}; left out", e.getMessage());
      }
    }
    this.sites = List.copyOf(parsed);
    this.warnings = List.copyOf(problems);
    this.dns = dns;
    this.timeout = timeout;
  }

  /** Parses {@code zone[=pattern][*score]}; an IllegalArgumentException says what is wrong. */
  static Site parse(String text) {
    Matcher m = SITE.matcher(text.strip());
    if (!m.matches() || !m.group(1).contains(".")) {
      throw new IllegalArgumentException("\"" + text + "\" is not \"zone[=127.0.0.[2..11]][*score]\"");
    }
    String zone = m.group(1).toLowerCase(Locale.ROOT);
    Dnsbl.Site filter = m.group(2) == null ? null : Dnsbl.Site.parse(zone + "=" + m.group(2));
    return new Site(zone, filter, m.group(3) == null ? null : Double.valueOf(m.group(3)));
  }

  /** The entries of {@code spam.uribl} that could not be read. */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public void check(ScanInput in, Findings out) {
    List<String> uris;
    try {
      uris = Uris.of(in.message());
      UriTricks.add(in.message(), uris, out);
    } catch (RuntimeException e) {
      log.debug("URI checks failed on this message", e);
      return;
    }
    if (sites.isEmpty() || dns == null) {
      return;
    }
    List<String> subjects = subjects(Uris.hosts(in.message()));
    if (subjects.isEmpty()) {
      return;
    }
    ask(subjects, out);
  }

  /** The names to ask about: registered domains and reversed IPv4 hosts, each once, at most {@link #MAX_DOMAINS}. */
  static List<String> subjects(List<String> hosts) {
    Set<String> out = new LinkedHashSet<>();
    for (String h : hosts) {
      if (out.size() >= MAX_DOMAINS) {
        break;
      }
      InetAddress a = Domains.parse(h);
      if (a instanceof Inet4Address) {
        byte[] b = a.getAddress();
        out.add((b[3] & 0xff) + "." + (b[2] & 0xff) + "." + (b[1] & 0xff) + "." + (b[0] & 0xff));
      } else if (a == null) {
        String d = Domains.registered(h);
        if (d.indexOf('.') > 0 && !SKIP.contains(d) && DnsNames.isQueryable(d)) {
          out.add(d);
        }
      }
    }
    return List.copyOf(out);
  }

  private record Question(Site site, String subject, String name) {}

  private void ask(List<String> subjects, Findings out) {
    List<Question> qs = new ArrayList<>();
    for (Site s : sites) {
      for (String subject : subjects) {
        String name = subject + "." + s.zone();
        if (DnsNames.isQueryable(name)) {
          qs.add(new Question(s, subject, name));
        }
      }
    }
    List<Future<DnsResult<InetAddress>>> futures = new ArrayList<>(qs.size());
    for (Question q : qs) {
      futures.add(QUERIES.submit(() -> dns.a(q.name())));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Listing> listed = new LinkedHashMap<>();
    int skipped = 0;
    for (int i = 0; i < qs.size(); i++) {
      Question q = qs.get(i);
      Future<DnsResult<InetAddress>> f = futures.get(i);
      try {
        DnsResult<InetAddress> r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (r.status() == DnsResult.Status.TEMPFAIL) {
          skipped++;
          continue;
        }
        for (InetAddress a : r.records()) {
          judge(q, a, listed);
        }
      } catch (TimeoutException e) {
        f.cancel(true);
        skipped++;
      } catch (ExecutionException e) {
        skipped++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        skipped += qs.size() - i;
        break;
      }
    }
    if (skipped > 0) {
      log.info("URI lists: {} of {} queries gave no answer within {} ms; skipped", skipped, qs.size(), timeout.toMillis());
    }
    for (Listing l : listed.values()) {
      out.add(l.symbol, l.score, String.join(", ", l.subjects) + (l.subjects.size() == 1 ? " is" : " are")
          + " listed by " + l.zone + " (" + l.answer + ")");
    }
  }

  private static final class Listing {
    final String symbol;
    final double score;
    final String zone;
    final String answer;
    final Set<String> subjects = new LinkedHashSet<>();

    Listing(String symbol, double score, String zone, String answer) {
      this.symbol = symbol;
      this.score = score;
      this.zone = zone;
      this.answer = answer;
    }
  }

  private static void judge(Question q, InetAddress a, Map<String, Listing> listed) {
    if (!(a instanceof Inet4Address)) {
      return;
    }
    byte[] b = a.getAddress();
    int first = b[0] & 0xff;
    String text = DnsNames.addressText(a);
    if (first != 127) {
      log.info("URI list {} answered {} for {}: not a listing (wildcard or hijacked DNS?)", q.site().zone(), text, q.name());
      return;
    }
    if (text.equals("127.0.0.1") || ((b[1] & 0xff) == 255 && (b[2] & 0xff) == 255)) {
      log.info("URI list {} refused the query ({}); its answers are not used", q.site().zone(), text);
      return;
    }
    if (q.site().filter() != null && !q.site().filter().matches(a)) {
      return;
    }
    int code = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    List<Code> known = known(q.site().zone());
    boolean any = false;
    for (Code c : known) {
      if (c.matches(code)) {
        record(listed, c.symbol(), q.site().score() != null ? q.site().score() : c.score(), q, text);
        any = true;
      }
    }
    if (!any) {
      record(listed, genericSymbol(q.site().zone()), q.site().score() != null ? q.site().score() : 1.5, q, text);
    }
  }

  private static void record(Map<String, Listing> listed, String symbol, double score, Question q, String answer) {
    listed.computeIfAbsent(symbol, s -> new Listing(s, score, q.site().zone(), answer)).subjects.add(q.subject());
  }

  private static List<Code> known(String zone) {
    for (Map.Entry<String, List<Code>> e : KNOWN.entrySet()) {
      if (zone.equals(e.getKey()) || zone.endsWith("." + e.getKey())) {
        return e.getValue();
      }
    }
    if (zone.endsWith(".dbl.dq.spamhaus.net") || zone.equals("dbl.dq.spamhaus.net")) {
      return KNOWN.get("dbl.spamhaus.org");
    }
    return List.of();
  }

  /** {@code URIBL_} and the zone in upper case, other characters as {@code _}: {@code URIBL_MULTI_URIBL_TEST}. */
  static String genericSymbol(String zone) {
    String s = "URIBL_" + zone.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("_+$", "");
    return s.length() > 100 ? s.substring(0, 100) : s;
  }
}
