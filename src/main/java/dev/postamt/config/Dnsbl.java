package dev.postamt.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code [dnsbl]}: DNS block and allow lists scored like Postfix postscreen ({@code
 * postscreen_dnsbl_sites}, {@code postscreen_dnsbl_threshold}). Each site is {@code
 * zone[=pattern][*weight]}: the pattern filters the answer ({@code 127.0.0.[2..11]}, {@code
 * 127.0.0.[2;4;8]}), the weight (default 1, negative for an allow list) is added to the client's score
 * when the zone lists it; at {@code threshold} or above {@code check_dnsbl} refuses. {@code
 * rhsbl_sites} (same syntax) are asked about the sender's domain and the HELO name and add to the same
 * score. Every query runs in parallel and must answer within {@code timeout}; one that does not is
 * skipped and logged, never a reason to refuse.
 */
public record Dnsbl(List<Site> sites, List<Site> rhsblSites, int threshold, Duration timeout) {
  private static final Pattern SITE = Pattern.compile("([A-Za-z0-9_.-]+?)\\.?(?:=([0-9.\\[\\];]+))?(?:\\*(-?\\d{1,4}))?");
  private static final Pattern OCTET = Pattern.compile("(\\d{1,3})|\\[([0-9.;]+)\\]");

  /**
   * One list.
   *
   * @param zone the DNS zone, e.g. {@code zen.example.test}
   * @param pattern the address pattern an answer must match ({@code ""}: any address)
   * @param weight added to the score when the zone lists the client
   */
  public record Site(String zone, String pattern, int weight) {
    /** Parses {@code zone[=pattern][*weight]}; an IllegalArgumentException says what is wrong. */
    public static Site parse(String text) {
      Matcher m = SITE.matcher(text.trim());
      if (!m.matches() || !m.group(1).contains(".")) {
        throw new IllegalArgumentException("\"" + text + "\" is not \"zone[=127.0.0.[2..11]][*weight]\"");
      }
      String pattern = m.group(2) == null ? "" : m.group(2);
      if (!pattern.isEmpty() && !validPattern(pattern)) {
        throw new IllegalArgumentException("\"" + text + "\" has a bad address pattern \"" + pattern + "\"");
      }
      int weight = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
      return new Site(m.group(1).toLowerCase(Locale.ROOT), pattern, weight);
    }

    /** Whether {@code answer} (an A record of the zone) matches the pattern. */
    public boolean matches(InetAddress answer) {
      if (pattern.isEmpty()) {
        return true;
      }
      if (!(answer instanceof Inet4Address)) {
        return false;
      }
      String[] parts = pattern.split("\\.(?![^\\[]*\\])");
      byte[] b = answer.getAddress();
      for (int i = 0; i < 4; i++) {
        if (!octetMatches(parts[i], b[i] & 0xff)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return zone + (pattern.isEmpty() ? "" : "=" + pattern) + (weight == 1 ? "" : "*" + weight);
    }
  }

  static Dnsbl parse(ConfigReader r) {
    r.allowKeys("dnsbl", "sites", "rhsbl_sites", "threshold", "timeout");
    List<Site> sites = sites(r, "dnsbl.sites");
    List<Site> rhsbl = sites(r, "dnsbl.rhsbl_sites");
    int threshold = r.integer("dnsbl.threshold", 1, 1, 10_000);
    Duration timeout = r.duration("dnsbl.timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
    return new Dnsbl(sites, rhsbl, threshold, timeout);
  }

  private static List<Site> sites(ConfigReader r, String key) {
    List<Site> out = new ArrayList<>();
    for (String s : r.strings(key, List.of())) {
      try {
        out.add(Site.parse(s));
      } catch (IllegalArgumentException e) {
        r.error(key, e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  /** What is wrong with a {@code reject_rbl_client} argument ({@code zone[=pattern]}), or null. */
  static String zoneProblem(String arg) {
    if (arg.contains("*")) {
      return "a weight belongs in [dnsbl] sites, not in a restriction";
    }
    try {
      Site.parse(arg);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static boolean validPattern(String pattern) {
    String[] parts = pattern.split("\\.(?![^\\[]*\\])");
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      Matcher m = OCTET.matcher(p);
      if (!m.matches()) {
        return false;
      }
      try {
        octetMatches(p, 0);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return true;
  }

  /** {@code 2}, {@code [2..11]}, {@code [2;4;8..9]}; an IllegalArgumentException for a bad one. */
  private static boolean octetMatches(String part, int value) {
    String body = part.startsWith("[") ? part.substring(1, part.length() - 1) : part;
    boolean hit = false;
    for (String alt : body.split(";", -1)) {
      int dots = alt.indexOf("..");
      int lo;
      int hi;
      try {
        lo = Integer.parseInt(dots < 0 ? alt : alt.substring(0, dots));
        hi = dots < 0 ? lo : Integer.parseInt(alt.substring(dots + 2));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(part);
      }
      if (lo > 255 || hi > 255 || lo > hi) {
        throw new IllegalArgumentException(part);
      }
      hit |= value >= lo && value <= hi;
    }
    return hit;
  }
}
