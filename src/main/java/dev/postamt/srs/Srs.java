package dev.postamt.srs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Sender Rewriting Scheme as libsrs2 and Postsrsd write it, so that addresses made by either verify
 * with the other given the same secret.
 *
 * <pre>
 *   user@example.org                     → SRS0=HHHH=TT=example.org=user@our.domain
 *   SRS0=opaque@fwd.example (a forwarder's) → SRS1=HHHH=fwd.example==opaque@our.domain
 *   SRS1=XXXX=first.example==opaque@fwd.example → SRS1=HHHH=first.example==opaque@our.domain
 * </pre>
 *
 * {@code HHHH} is the first four characters of the base64 (URL-safe alphabet) of an HMAC-SHA1 with the
 * first secret over the parts that follow it (timestamp, domain, local part; for SRS1 the first
 * forwarder's domain and the rest), each in ASCII lower case. {@code TT} is the day number since the
 * epoch modulo 1024 in two base32 characters. Verifying compares the hash case-insensitively and
 * treats {@code +}/{@code -} and {@code /}/{@code _} as equal, as libsrs2 does (mail systems fold the
 * case of local parts), against every secret, so that a key rotation keeps the addresses already sent
 * valid. An SRS0 address is valid for {@code srs.max_age} days (21, libsrs2's default).
 *
 * <p>Disabled ({@code srs.enabled = false}), {@link #forward} returns the sender unchanged and {@link
 * #reverse} knows no SRS address. Thread-safe.
 */
public final class Srs {
  private static final String HASH_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String TIME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final int HASH_LENGTH = 4;
  private static final int TIME_SLOTS = 1024;
  private static final long DAY_SECONDS = 86_400;

  private final dev.postamt.config.Srs settings;
  private final Predicate<String> isLocalDomain;
  private final Clock clock;
  private final SrsKeys keys;

  /**
   * @param isLocalDomain whether a (lower-case) domain is ours: senders there are never rewritten
   */
  public Srs(dev.postamt.config.Srs settings, Predicate<String> isLocalDomain) {
    this(settings, isLocalDomain, Clock.systemUTC());
  }

  Srs(dev.postamt.config.Srs settings, Predicate<String> isLocalDomain, Clock clock) {
    this.settings = settings;
    this.isLocalDomain = isLocalDomain;
    this.clock = clock;
    this.keys = new SrsKeys(settings.keyFile());
  }

  public boolean enabled() {
    return settings.enabled();
  }

  /** The domain of the addresses we make. */
  public String domain() {
    return settings.domain();
  }

  /**
   * The envelope sender to use for a copy we forward to another domain. Unchanged: the null sender
   * ({@code ""}) and null, an address without a domain or with a quoted local part, and addresses in our
   * own domains (the SRS domain included, so our own SRS addresses are not wrapped again). A foreign SRS
   * address becomes SRS1 (libsrs2's "guarded" scheme), anything else SRS0. Usable as the {@code
   * UnaryOperator<String>} sender rewriter of Sieve's redirect.
   *
   * @throws UncheckedIOException when the key file cannot be read or created
   */
  public String forward(String sender) {
    if (!settings.enabled() || sender == null || sender.isEmpty()) {
      return sender;
    }
    int at = sender.lastIndexOf('@');
    if (at <= 0 || at == sender.length() - 1 || sender.startsWith("\"")) {
      return sender;
    }
    String user = sender.substring(0, at);
    String host = sender.substring(at + 1);
    String lowerHost = host.toLowerCase(Locale.ROOT);
    if (lowerHost.equals(settings.domain()) || isLocalDomain.test(lowerHost)) {
      return sender;
    }
    byte[] secret = signingSecret();
    if (tagged(user, '1')) {
      // SRS1=hash=firsthost=rest@lasthop: keep the first forwarder's host and its opaque part.
      String rest = user.substring(5);
      int a = rest.indexOf('=');
      int b = a < 0 ? -1 : rest.indexOf('=', a + 1);
      if (a > 0 && b > a + 1 && b < rest.length() - 1) {
        String firstHost = rest.substring(a + 1, b);
        String opaque = rest.substring(b + 1);
        return "SRS1=" + hash(secret, firstHost, opaque) + "=" + firstHost + "=" + opaque + "@" + settings.domain();
      }
      // malformed SRS1: wrapped like an ordinary address below, which stays reversible
    } else if (tagged(user, '0')) {
      String opaque = user.substring(4); // keeps its separator: SRS1=HHHH=host==…
      return "SRS1=" + hash(secret, host, opaque) + "=" + host + "=" + opaque + "@" + settings.domain();
    }
    String stamp = timestamp(Math.floorDiv(clock.instant().getEpochSecond(), DAY_SECONDS));
    return "SRS0=" + hash(secret, stamp, host, user) + "=" + stamp + "=" + host + "=" + user + "@" + settings.domain();
  }

  /**
   * The address an SRS address stands for: the original sender for SRS0, the first forwarder's SRS0
   * address for SRS1. The domain of {@code address} is not looked at (libsrs2 does not either); the
   * caller decides which domains it reverses for.
   *
   * @return empty when the address is no SRS address (or SRS is disabled)
   * @throws SrsException when it is one but malformed, with a hash none of our secrets made, or older than
   *     {@code srs.max_age}
   * @throws UncheckedIOException when the key file cannot be read or created
   */
  public Optional<String> reverse(String address) throws SrsException {
    if (!settings.enabled() || address == null) {
      return Optional.empty();
    }
    int at = address.lastIndexOf('@');
    String user = at < 0 ? address : address.substring(0, at);
    if (tagged(user, '1')) {
      List<String> p = split(user.substring(5), 3, "SRS1 address needs hash=host=rest");
      String hash = p.get(0);
      String host = p.get(1);
      String opaque = p.get(2);
      check(hash, host, opaque);
      return Optional.of("SRS0" + opaque + "@" + host);
    }
    if (tagged(user, '0')) {
      List<String> p = split(user.substring(5), 4, "SRS0 address needs hash=timestamp=domain=local-part");
      String hash = p.get(0);
      String stamp = p.get(1);
      String host = p.get(2);
      String local = p.get(3);
      int then = parseTimestamp(stamp);
      check(hash, stamp, host, local);
      long today = Math.floorDiv(clock.instant().getEpochSecond(), DAY_SECONDS) % TIME_SLOTS;
      while (today < then) {
        today += TIME_SLOTS;
      }
      if (today > then + settings.maxAgeDays()) {
        throw new SrsException(SrsException.Kind.EXPIRED,
            "SRS address has expired: bounces to it are accepted for " + settings.maxAgeDays() + " days");
      }
      return Optional.of(local + "@" + host);
    }
    return Optional.empty();
  }

  /** Whether the local part of {@code address} is tagged {@code SRS0} or {@code SRS1} (any case). */
  public static boolean isSrs(String address) {
    if (address == null) {
      return false;
    }
    int at = address.lastIndexOf('@');
    String user = at < 0 ? address : address.substring(0, at);
    return tagged(user, '0') || tagged(user, '1');
  }

  /** libsrs2's {@code SRS_IS_SRS_ADDRESS}: "SRS0" or "SRS1" in any case, then one of {@code = - +}. */
  private static boolean tagged(String user, char version) {
    return user.length() >= 5
        && user.regionMatches(true, 0, "SRS", 0, 3)
        && user.charAt(3) == version
        && "=-+".indexOf(user.charAt(4)) >= 0;
  }

  /**
   * Splits at the first {@code n - 1} '=' characters; the last part keeps any further ones. The hash
   * may be empty (that is reported as a bad hash), the other parts may not.
   */
  private static List<String> split(String s, int n, String shape) throws SrsException {
    String[] parts = new String[n];
    int from = 0;
    for (int i = 0; i < n - 1; i++) {
      int eq = s.indexOf('=', from);
      if (eq < 0) {
        throw new SrsException(SrsException.Kind.MALFORMED, "malformed SRS address: " + shape);
      }
      parts[i] = s.substring(from, eq);
      from = eq + 1;
    }
    parts[n - 1] = s.substring(from);
    for (int i = 1; i < n; i++) {
      if (parts[i].isEmpty()) {
        throw new SrsException(SrsException.Kind.MALFORMED, "malformed SRS address: " + shape);
      }
    }
    return List.of(parts);
  }

  private static int parseTimestamp(String stamp) throws SrsException {
    if (stamp.length() != 2) {
      throw new SrsException(SrsException.Kind.MALFORMED, "malformed SRS address: the timestamp must be 2 characters");
    }
    int then = 0;
    for (int i = 0; i < 2; i++) {
      int v = TIME_CHARS.indexOf(Character.toUpperCase(stamp.charAt(i)));
      if (v < 0) {
        throw new SrsException(SrsException.Kind.MALFORMED, "malformed SRS address: bad character in the timestamp");
      }
      then = (then << 5) | v;
    }
    return then;
  }

  static String timestamp(long day) {
    return "" + TIME_CHARS.charAt((int) ((day >> 5) & 31)) + TIME_CHARS.charAt((int) (day & 31));
  }

  /** Whether any of our secrets made {@code given} over {@code parts}. */
  private void check(String given, String... parts) throws SrsException {
    if (given.length() < HASH_LENGTH) {
      throw new SrsException(SrsException.Kind.BAD_HASH,
          "SRS address with an invalid hash: too short (forged, or not made here)");
    }
    for (byte[] secret : secrets()) {
      if (equivalent(given, hash(secret, parts))) {
        return;
      }
    }
    throw new SrsException(SrsException.Kind.BAD_HASH,
        "SRS address with an invalid hash (forged, or signed with a key this server does not have)");
  }

  /**
   * libsrs2's {@code base64_equivalent}: letters in any case, {@code +} as {@code -}, {@code /} as
   * {@code _}; anything else never matches. Compares the first four characters without an early exit.
   */
  private static boolean equivalent(String given, String made) {
    int diff = 0;
    for (int i = 0; i < HASH_LENGTH; i++) {
      int a = fold(given.charAt(i));
      int b = fold(made.charAt(i));
      diff |= (a ^ b) | (a == 0 ? 1 : 0) | (b == 0 ? 1 : 0);
    }
    return diff == 0;
  }

  private static int fold(char c) {
    if (c == '+' || c == '-') {
      return '-';
    }
    if (c == '/' || c == '_') {
      return '_';
    }
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
      return c;
    }
    if (c >= 'A' && c <= 'Z') {
      return c + ('a' - 'A');
    }
    return 0;
  }

  /** HMAC-SHA1 over the parts in ASCII lower case, the first 24 bits in the URL-safe base64 alphabet. */
  static String hash(byte[] secret, String... parts) {
    byte[] mac;
    try {
      Mac m = Mac.getInstance("HmacSHA1");
      m.init(new SecretKeySpec(secret, "HmacSHA1"));
      for (String p : parts) {
        byte[] b = p.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
          if (b[i] >= 'A' && b[i] <= 'Z') {
            b[i] += 'a' - 'A'; // C tolower(): ASCII only, UTF-8 bytes stay as they are
          }
        }
        m.update(b);
      }
      mac = m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
    }
    int bits = ((mac[0] & 0xff) << 16) | ((mac[1] & 0xff) << 8) | (mac[2] & 0xff);
    StringBuilder sb = new StringBuilder(HASH_LENGTH);
    for (int shift = 18; shift >= 0; shift -= 6) {
      sb.append(HASH_CHARS.charAt((bits >> shift) & 63));
    }
    return sb.toString();
  }

  private byte[] signingSecret() {
    return secrets().getFirst();
  }

  private List<byte[]> secrets() {
    try {
      return keys.secrets();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the SRS key file " + keys.file() + ": " + e.getMessage(), e);
    }
  }
}
