package dev.postamt.mailauth.dmarc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Public Suffix List algorithm (https://publicsuffix.org/list/): normal rules, wildcards ({@code
 * *.ck}) and exceptions ({@code !www.ck}); the longest matching rule wins, an exception beats the
 * wildcard it excepts, and an unlisted TLD falls under the implicit rule {@code *}. Both the ICANN and
 * the private sections are used, as DMARC implementations commonly do, so {@code a.github.io} and
 * {@code b.github.io} are different organizations.
 *
 * <p>The bundled list is {@code public_suffix_list.dat} next to this class (see the README there).
 * Rules are kept in their ASCII (punycode) form; Unicode input is converted for matching.
 */
public final class PublicSuffixList {
  /** The three kinds of rule; "*.ck" is stored as "ck" in wildcards, "!www.ck" as "www.ck" in exceptions. */
  private record Rules(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {}

  private final Rules own; // null for the bundled list: its rules are read on first use

  private PublicSuffixList(Rules own) {
    this.own = own;
  }

  /**
   * The bundled rules, read when the first name is looked up rather than when a {@link DmarcEvaluator}
   * is made at start-up (~0.2 s of CPU there, issue 27); the JVM's class initialisation makes it once.
   */
  private static final class Bundled {
    static final Rules RULES = load();

    private static Rules load() {
      try (InputStream in = PublicSuffixList.class.getResourceAsStream("public_suffix_list.dat")) {
        if (in == null) {
          throw new IllegalStateException("public_suffix_list.dat missing from the classpath");
        }
        return parse(in).own;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static final PublicSuffixList BUNDLED = new PublicSuffixList(null);

  /** The list shipped with Postamt; its file is read once, on the first look-up. */
  public static PublicSuffixList bundled() {
    return BUNDLED;
  }

  private Rules rules() {
    return own != null ? own : Bundled.RULES;
  }

  public static PublicSuffixList parse(InputStream in) throws IOException {
    Rules psl = new Rules(new HashSet<>(), new HashSet<>(), new HashSet<>());
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      // A rule is the first white-space-separated word of a line; "//" starts a comment line.
      String rule = line.strip().split("\\s+", 2)[0];
      if (rule.isEmpty() || rule.startsWith("//")) {
        continue;
      }
      if (rule.startsWith("!")) {
        ascii(rule.substring(1)).ifPresent(psl.exceptions()::add);
      } else if (rule.startsWith("*.")) {
        ascii(rule.substring(2)).ifPresent(psl.wildcards()::add);
      } else {
        ascii(rule).ifPresent(psl.rules()::add);
      }
    }
    return new PublicSuffixList(psl);
  }

  private static Optional<String> ascii(String name) {
    try {
      return Optional.of(IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The public suffix of {@code domain} (e.g. {@code co.uk} for {@code www.example.co.uk}), lower case ASCII. */
  public Optional<String> publicSuffix(String domain) {
    Optional<String> a = normalize(domain);
    if (a.isEmpty()) {
      return Optional.empty();
    }
    String[] labels = a.get().split("\\.");
    return Optional.of(join(labels, labels.length - suffixLabels(labels)));
  }

  /**
   * The registrable domain: the public suffix plus one label (RFC 7489 §3.2's organizational domain).
   * Empty when {@code domain} is itself a public suffix or not a domain name. Unicode input gives
   * Unicode output.
   */
  public Optional<String> registrableDomain(String domain) {
    Optional<String> a = normalize(domain);
    if (a.isEmpty()) {
      return Optional.empty();
    }
    String[] labels = a.get().split("\\.");
    int suffix = suffixLabels(labels);
    if (suffix >= labels.length) {
      return Optional.empty();
    }
    String out = join(labels, labels.length - suffix - 1);
    boolean unicode = domain.chars().anyMatch(c -> c >= 0x80);
    return Optional.of(unicode ? IDN.toUnicode(out, IDN.ALLOW_UNASSIGNED) : out);
  }

  /**
   * The organizational domain for DMARC: the registrable domain, or the name itself when it is a
   * public suffix (so that a record published at a suffix still applies to that exact name only).
   */
  public String organizationalDomain(String domain) {
    String known = organizational.get(domain);
    if (known != null) {
      return known;
    }
    String d = domain.toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    String org = registrableDomain(d).orElse(d);
    if (organizational.size() >= MAX_REMEMBERED) {
      organizational.clear();
    }
    organizational.put(domain, org);
    return org;
  }

  /**
   * {@link #organizationalDomain}'s answers: the rules never change, and DMARC asks two or three times
   * per message (the From domain, then each SPF and DKIM domain to align), each time converting the name
   * to ASCII, splitting it and looking up every suffix of it.
   */
  private final java.util.Map<String, String> organizational = new java.util.concurrent.ConcurrentHashMap<>();
  /** Names remembered at most; past that it starts again empty (a flood of random names must not fill the heap). */
  static final int MAX_REMEMBERED = 10_000;

  /** How many labels at the right of {@code labels} form the public suffix. */
  private int suffixLabels(String[] labels) {
    Rules r = rules();
    int n = labels.length;
    for (int i = 0; i < n; i++) {
      String suffix = join(labels, i);
      if (r.exceptions().contains(suffix)) {
        return n - i - 1; // an exception rule: its public suffix drops the leftmost label
      }
      if (r.rules().contains(suffix) || (i + 1 < n && r.wildcards().contains(join(labels, i + 1)))) {
        return n - i;
      }
    }
    return 1; // the implicit "*" rule: an unlisted TLD is a public suffix
  }

  private static String join(String[] labels, int from) {
    return String.join(".", java.util.Arrays.copyOfRange(labels, from, labels.length));
  }

  private static Optional<String> normalize(String domain) {
    if (domain == null || domain.isEmpty() || domain.startsWith(".")) {
      return Optional.empty();
    }
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    Optional<String> a = ascii(d);
    if (a.isEmpty() || a.get().isEmpty() || a.get().contains("..")) {
      return Optional.empty();
    }
    return a;
  }
}
