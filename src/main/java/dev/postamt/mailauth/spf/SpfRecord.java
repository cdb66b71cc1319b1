package dev.postamt.mailauth.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed SPF record (RFC 7208 §4.6 and the ABNF of §12). The whole record is checked before any
 * term is evaluated, so a syntax error anywhere is a permerror even after a matching mechanism
 * (§4.6: "If there are any syntax errors anywhere in the record, check_host() returns immediately
 * with the result permerror").
 *
 * @param redirect the {@code redirect=} domain-spec, or null
 * @param exp the {@code exp=} domain-spec, or null
 */
record SpfRecord(List<Mechanism> mechanisms, String redirect, String exp) {

  enum Qualifier {
    PASS(SpfResult.Result.PASS),
    FAIL(SpfResult.Result.FAIL),
    SOFTFAIL(SpfResult.Result.SOFTFAIL),
    NEUTRAL(SpfResult.Result.NEUTRAL);

    final SpfResult.Result result;

    Qualifier(SpfResult.Result result) {
      this.result = result;
    }
  }

  /** A mechanism; {@code text} is the term as written, for reasons and logs. */
  sealed interface Mechanism {
    Qualifier qualifier();

    String text();
  }

  record All(Qualifier qualifier, String text) implements Mechanism {}

  record Include(Qualifier qualifier, String text, String domainSpec) implements Mechanism {}

  /** {@code domainSpec} null means the current domain. */
  record A(Qualifier qualifier, String text, String domainSpec, int cidr4, int cidr6) implements Mechanism {}

  record Mx(Qualifier qualifier, String text, String domainSpec, int cidr4, int cidr6) implements Mechanism {}

  record Ptr(Qualifier qualifier, String text, String domainSpec) implements Mechanism {}

  /** ip4 or ip6: {@code network} has 4 or 16 bytes. */
  record Ip(Qualifier qualifier, String text, byte[] network, int prefix) implements Mechanism {}

  record Exists(Qualifier qualifier, String text, String domainSpec) implements Mechanism {}

  private static final Pattern MODIFIER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]*");
  private static final Pattern TOPLABEL =
      Pattern.compile("[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");
  private static final Pattern DUAL_CIDR = Pattern.compile("(.*?)(?:/(\\d+))?(?://(\\d+))?");
  private static final String QNUM = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IP4 = Pattern.compile(":(" + QNUM + "(?:\\." + QNUM + "){3})(?:/(\\d+))?");
  private static final Pattern IP6 = Pattern.compile(":([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:/(\\d+))?");

  /** §4.5: a record starts with "v=spf1" (any case) followed by a space or the end. */
  static boolean isSpf(String txt) {
    return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
  }

  static SpfRecord parse(String txt) throws SpfError {
    if (!isSpf(txt)) {
      throw SpfError.perm("not an SPF record");
    }
    for (int i = 0; i < txt.length(); i++) {
      char c = txt.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        // §3.1 and §4.6.1: records are 7-bit text and terms are separated by spaces only.
        throw SpfError.perm("character " + SpfMacro.describe(c) + " in the SPF record");
      }
    }
    List<Mechanism> mechanisms = new ArrayList<>();
    String redirect = null;
    String exp = null;
    for (String term : txt.substring(6).split(" ")) {
      if (term.isEmpty()) {
        continue;
      }
      int sep = firstOf(term, "=:/");
      if (sep >= 0 && term.charAt(sep) == '=') {
        String name = term.substring(0, sep);
        String value = term.substring(sep + 1);
        if (!MODIFIER_NAME.matcher(name).matches()) {
          throw SpfError.perm("bad modifier name in \"" + term + "\"");
        }
        switch (name.toLowerCase(Locale.ROOT)) {
          case "redirect" -> {
            // §6: redirect and exp may each appear only once.
            if (redirect != null) {
              throw SpfError.perm("redirect= given twice");
            }
            redirect = domainSpec(value, term);
          }
          case "exp" -> {
            if (exp != null) {
              throw SpfError.perm("exp= given twice");
            }
            exp = domainSpec(value, term);
          }
          default -> SpfMacro.validate(value, false); // §6: unknown modifiers are ignored, but must parse
        }
      } else {
        mechanisms.add(mechanism(term));
      }
    }
    return new SpfRecord(List.copyOf(mechanisms), redirect, exp);
  }

  private static Mechanism mechanism(String term) throws SpfError {
    Qualifier q = Qualifier.PASS;
    String t = term;
    switch (t.charAt(0)) {
      case '+' -> t = t.substring(1);
      case '-' -> {
        q = Qualifier.FAIL;
        t = t.substring(1);
      }
      case '~' -> {
        q = Qualifier.SOFTFAIL;
        t = t.substring(1);
      }
      case '?' -> {
        q = Qualifier.NEUTRAL;
        t = t.substring(1);
      }
      default -> {}
    }
    int end = firstOf(t, ":/");
    String name = (end < 0 ? t : t.substring(0, end)).toLowerCase(Locale.ROOT);
    String rest = end < 0 ? "" : t.substring(end);
    return switch (name) {
      case "all" -> {
        if (!rest.isEmpty()) {
          throw SpfError.perm("\"all\" takes no argument: \"" + term + "\"");
        }
        yield new All(q, term);
      }
      case "include" -> new Include(q, term, requiredDomain(rest, term));
      case "exists" -> new Exists(q, term, requiredDomain(rest, term));
      case "ptr" -> new Ptr(q, term, optionalDomain(rest, term));
      case "a", "mx" -> {
        Matcher m = DUAL_CIDR.matcher(rest);
        if (!m.matches()) {
          throw SpfError.perm("bad mechanism \"" + term + "\"");
        }
        String domain = optionalDomain(m.group(1), term);
        int c4 = m.group(2) == null ? 32 : cidr(m.group(2), 32, term);
        int c6 = m.group(3) == null ? 128 : cidr(m.group(3), 128, term);
        yield name.equals("a") ? new A(q, term, domain, c4, c6) : new Mx(q, term, domain, c4, c6);
      }
      case "ip4" -> {
        Matcher m = IP4.matcher(rest);
        if (!m.matches()) {
          throw SpfError.perm("bad ip4 network in \"" + term + "\"");
        }
        byte[] net = InetAddress.ofLiteral(m.group(1)).getAddress();
        yield new Ip(q, term, net, m.group(2) == null ? 32 : cidr(m.group(2), 32, term));
      }
      case "ip6" -> {
        Matcher m = IP6.matcher(rest);
        if (!m.matches()) {
          throw SpfError.perm("bad ip6 network in \"" + term + "\"");
        }
        yield new Ip(q, term, ip6(m.group(1), term), m.group(2) == null ? 128 : cidr(m.group(2), 128, term));
      }
      default -> throw SpfError.perm("unknown mechanism \"" + term + "\"");
    };
  }

  /** The 16 bytes of an ip6-network; an IPv4-mapped literal stays IPv6 here (it never matches, §5). */
  private static byte[] ip6(String literal, String term) throws SpfError {
    InetAddress a;
    try {
      a = InetAddress.ofLiteral(literal);
    } catch (IllegalArgumentException e) {
      throw SpfError.perm("bad ip6 network in \"" + term + "\"");
    }
    if (a instanceof Inet4Address) {
      byte[] m = new byte[16];
      m[10] = (byte) 0xff;
      m[11] = (byte) 0xff;
      System.arraycopy(a.getAddress(), 0, m, 12, 4);
      return m;
    }
    return a.getAddress();
  }

  /** §5.6: a CIDR length is decimal without leading zeros and at most 32 or 128. */
  private static int cidr(String digits, int max, String term) throws SpfError {
    if ((digits.length() > 1 && digits.charAt(0) == '0') || digits.length() > 3 || Integer.parseInt(digits) > max) {
      throw SpfError.perm("bad CIDR length in \"" + term + "\"");
    }
    return Integer.parseInt(digits);
  }

  private static String requiredDomain(String rest, String term) throws SpfError {
    if (!rest.startsWith(":")) {
      throw SpfError.perm("\"" + term + "\" needs \":domain\"");
    }
    return domainSpec(rest.substring(1), term);
  }

  private static String optionalDomain(String rest, String term) throws SpfError {
    return rest.isEmpty() ? null : requiredDomain(rest, term);
  }

  /**
   * §7.1: domain-spec = macro-string domain-end, where domain-end is "." toplabel ["."] or a macro;
   * so "museum", "foo-bar", "a:1.2.3.4" and "host:8080" are errors while "foo:bar/baz.example.com"
   * is fine.
   */
  private static String domainSpec(String spec, String term) throws SpfError {
    if (spec.isEmpty()) {
      throw SpfError.perm("empty domain in \"" + term + "\"");
    }
    SpfMacro.validate(spec, false);
    if (SpfMacro.endsWithMacro(spec)) {
      return spec;
    }
    String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
    int dot = s.lastIndexOf('.');
    if (dot < 0 || !TOPLABEL.matcher(s.substring(dot + 1)).matches()) {
      throw SpfError.perm("\"" + spec + "\" does not end in a valid top label");
    }
    return spec;
  }

  private static int firstOf(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
