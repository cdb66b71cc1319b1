package dev.postamt.filter.forgery;

import dev.postamt.filter.Check;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.uri.Domains;
import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderText;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a careful reader spots in the header section: a Received chain that cannot be true, a Date
 * that does not fit the arrival, a Message-ID that fits nobody, sender fields that disagree, a display
 * name that carries someone else's address, a forged mail client; and our own SPF/DKIM/DMARC/ARC/iprev
 * results as symbols ({@link AuthenticationSymbols}).
 *
 * <p>False positives cost more than misses: internal relays legitimately use private and loopback
 * addresses, mailing lists add hops days later, clocks are off by hours. So each symbol fires only on
 * what an honest path does not produce, and most carry small scores; tuned on the public SpamAssassin
 * corpus so that ham rarely gets more than a point here.
 */
public final class HeaderForgery implements Check {
  private static final Logger log = LoggerFactory.getLogger(HeaderForgery.class);
  private static final Pattern MSGID = Pattern.compile("<[^<>@\\s]+@[^<>@\\s]+>");

  private final String ourHostname;

  public HeaderForgery(String ourHostname) {
    this.ourHostname = ourHostname == null ? "" : Domains.normalise(ourHostname);
  }

  @Override
  public void check(ScanInput in, Findings out) {
    List<ReceivedHop> chain;
    try {
      chain = in.message().derived("forgery.received", () -> ReceivedHop.chain(in.message().header("Received")));
    } catch (RuntimeException e) {
      log.debug("cannot read the Received chain", e);
      return;
    }
    run("authentication", () -> AuthenticationSymbols.add(in, out));
    run("received", () -> received(in, chain, out));
    run("date", () -> date(in, chain, out));
    run("message-id", () -> messageId(in, chain, out));
    run("senders", () -> SenderChecks.add(in, chain, out));
  }

  /** A part that fails on some odd input must not cost the others. */
  private static void run(String what, Runnable part) {
    try {
      part.run();
    } catch (RuntimeException e) {
      log.debug("forgery check {} failed on this message", what, e);
    }
  }

  // ---- the Received chain

  private void received(ScanInput in, List<ReceivedHop> chain, Findings out) {
    if (!in.outbound() && !ourHostname.isEmpty() && in.helo() != null && Domains.normalise(in.helo()).equals(ourHostname)) {
      InetAddress client = Domains.parse(in.clientIp());
      if (client != null && Domains.scope(client) == Domains.Scope.PUBLIC) {
        out.add("HELO_IS_OUR_HOSTNAME", 2.5, "client " + in.clientIp() + " greeted with our own name " + in.helo());
      }
    }
    for (ReceivedHop h : chain) {
      InetAddress a = h.address();
      if (a != null && Domains.scope(a) == Domains.Scope.BOGUS) {
        out.add("RCVD_ILLEGAL_IP", 1.3, "Received hop " + h + " names a reserved address " + h.ip()
            + " that never relays mail");
      }
      InetAddress heloIp = Domains.parse(h.helo());
      if (heloIp != null && a != null && !heloIp.equals(a) && Domains.scope(heloIp) == Domains.Scope.PUBLIC
          && Domains.scope(a) == Domains.Scope.PUBLIC) {
        out.add("RCVD_HELO_IP_MISMATCH", 1.0, "Received hop " + h + " greeted as [" + h.helo() + "] but came from " + h.ip());
      }
      String claimed = Domains.within(h.helo(), "microsoft.com") ? null : SenderChecks.provider(h.helo());
      if (claimed != null && h.rdns() != null && !h.rdns().isEmpty() && !SenderChecks.infrastructureOf(claimed, h.rdns())) {
        out.add("FORGED_RCVD_HELO", 1.5, "Received hop greeted as " + h.helo() + " (" + claimed + ") but came from "
            + h.rdns() + " [" + h.ip() + "]");
      }
    }
    chronology(chain, in.received(), out);
  }

  /**
   * Hops are written newest first; each must be no older than the one below it. A few minutes of clock
   * skew between servers is normal, hours are not, and a hop that happened days before the next one is
   * a chain made up below the first honest server (or mail that lay in a queue for days, which the
   * smaller score allows for).
   */
  private static void chronology(List<ReceivedHop> chain, Instant received, Findings out) {
    Instant after = received == null ? null : received.plus(Duration.ofHours(1));
    ReceivedHop newer = null;
    for (ReceivedHop h : chain) {
      if (h.date() == null || (after != null && h.date().isAfter(after) && newer == null)) {
        continue; // hops written after arrival (a later fetch or re-delivery) are not the path it came
      }
      if (newer != null) {
        Duration d = Duration.between(h.date(), newer.date()); // positive when in order
        if (d.compareTo(Duration.ofHours(-12)) < 0) {
          out.add("RCVD_BACKWARDS", 1.0, "the hop by " + name(h.by()) + " from " + name(h.helo()) + " is dated "
              + human(d.negated()) + " after the later hop by " + name(newer.by()));
        } else if (d.compareTo(Duration.ofDays(3)) > 0) {
          out.add("RCVD_DAYS_APART", 0.5, "the hop by " + name(newer.by()) + " came " + human(d)
              + " after the hop by " + name(h.by()));
        }
      }
      newer = h;
    }
  }

  // ---- Date

  private static void date(ScanInput in, List<ReceivedHop> chain, Findings out) {
    List<String> dates = in.message().header("Date");
    if (dates.isEmpty()) {
      out.add("MISSING_DATE", 1.0, "no Date field");
      return;
    }
    ZonedDateTime d = HeaderText.parseDate(dates.getFirst());
    if (d == null) {
      out.add("INVALID_DATE", 1.0, "Date \"" + clip(dates.getFirst()) + "\" is not an RFC 5322 date");
      return;
    }
    Instant received = in.received();
    if (received == null) {
      return;
    }
    long roughly = d.toEpochSecond() - received.getEpochSecond(); // within a second of the exact difference
    if (roughly > -3 * 3600 + 2 && roughly < 3 * 3600 - 2) {
      return; // the usual case, decided without the Duration below: under three hours either way
    }
    Duration ahead = Duration.between(received, d.toInstant());
    long hours = ahead.toHours();
    if (hours > -3 && hours < 3) {
      return; // the usual case: no symbol, and no reason text to write
    }
    String when = "Date is " + human(ahead.abs()) + (ahead.isNegative() ? " before" : " after") + " arrival (" + received + ")";
    if (hours >= 3) {
      String bucket = hours < 6 ? "03_06" : hours < 12 ? "06_12" : hours < 24 ? "12_24" : hours < 48 ? "24_48" : hours < 96 ? "48_96" : "96_XX";
      double score = hours < 6 ? 1.0 : hours < 12 ? 2.0 : hours < 96 ? 2.5 : 2.0;
      out.add("DATE_IN_FUTURE_" + bucket, score, when);
    } else if (hours <= -3 && !agreesWithFirstHop(chain, d.toInstant(), received)) {
      long h = -hours;
      // SpamAssassin has no 48-96 h bucket: mail delayed by a weekend is common.
      String bucket = h < 6 ? "03_06" : h < 12 ? "06_12" : h < 24 ? "12_24" : h < 48 ? "24_48" : h < 96 ? null : "96_XX";
      if (bucket != null) {
        double score = h < 6 ? 0.1 : h < 24 ? 0.3 : h < 48 ? 0.5 : 1.5;
        out.add("DATE_IN_PAST_" + bucket, score, when);
      }
    }
  }

  /**
   * Whether the oldest hop of the path (up to arrival) is dated within 3 hours of the Date: then the
   * message was written when it says and lay in some queue on the way, which {@link #chronology}
   * judges; an old Date is no forgery of its own.
   */
  private static boolean agreesWithFirstHop(List<ReceivedHop> chain, Instant date, Instant received) {
    Instant oldest = null;
    for (ReceivedHop h : chain) {
      if (h.date() != null && !h.date().isAfter(received.plus(Duration.ofHours(1)))) {
        oldest = h.date();
      }
    }
    return oldest != null && Duration.between(date, oldest).abs().compareTo(Duration.ofHours(3)) <= 0
        && Duration.between(oldest, received).compareTo(Duration.ofHours(3)) > 0;
  }

  // ---- Message-ID

  private static void messageId(ScanInput in, List<ReceivedHop> chain, Findings out) {
    List<String> ids = in.message().header("Message-ID");
    if (ids.isEmpty()) {
      out.add("MISSING_MID", 0.5, "no Message-ID field");
      return;
    }
    String id = HeaderText.stripComments(ids.getFirst()).strip();
    if (!validId(id)) {
      out.add("INVALID_MSGID", 1.0, "Message-ID \"" + clip(ids.getFirst()) + "\" is not <left@right> (RFC 5322 §3.6.4)");
      return;
    }
    MessageIds.checkDomain(in, chain, id, out);
  }

  /** {@link #MSGID} matches {@code id} whole: {@code <}, a left and a right side without {@code <>@} or white space joined by {@code @}, {@code >}. */
  static boolean validId(String id) {
    int n = id.length();
    if (n < 5 || id.charAt(0) != '<' || id.charAt(n - 1) != '>') {
      return false;
    }
    int at = -1;
    for (int i = 1; i < n - 1; i++) {
      char c = id.charAt(i);
      if (c == '@') {
        if (at >= 0) {
          return false;
        }
        at = i;
      } else if (c == '<' || c == '>' || c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r') {
        return false;
      }
    }
    return at > 1 && at < n - 2;
  }

  /** What {@link #validId} decides, by the pattern (for the tests). */
  static boolean validIdByPattern(String id) {
    return MSGID.matcher(id).matches();
  }

  // ---- shared

  /** The (first) From address's domain, lower case; "" when there is none. */
  static String fromDomain(ScannedMessage m) {
    String a = fromAddress(m);
    int at = a.lastIndexOf('@');
    return at < 0 ? "" : Domains.normalise(a.substring(at + 1));
  }

  /** The (first) From address, lower case; "" when there is none. */
  static String fromAddress(ScannedMessage m) {
    for (String f : m.header("From")) {
      for (Address a : Address.parseList(f)) {
        if (a.host() != null && a.mailbox() != null) {
          return (a.mailbox() + "@" + a.host()).toLowerCase(Locale.ROOT);
        }
      }
    }
    return "";
  }

  private static String name(String host) {
    return host.isEmpty() ? "?" : host;
  }

  static String clip(String s) {
    String t = s.replaceAll("[\\p{Cntrl}]", "?");
    return t.length() > 80 ? t.substring(0, 77) + "..." : t;
  }

  static String human(Duration d) {
    long m = d.toMinutes();
    if (m < 120) {
      return m + " min";
    }
    long h = d.toHours();
    return h < 72 ? h + " h" : d.toDays() + " days";
  }
}
