package dev.postamt.mailauth.dkim;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A parsed DKIM-Signature header field (RFC 6376 §3.5). {@link #parse} checks everything that can be
 * checked without DNS or the message: required tags, versions, algorithms, i= within d=, l=, t=/x=
 * order, and that From is signed (§5.4).
 *
 * @param raw the whole field as it appeared (name, colon, folds, CRLF), needed to hash it with b= empty
 * @param headers h=, lower-cased, in order
 */
public record DkimSignature(
    String raw,
    TagList tags,
    DkimAlgorithm algorithm,
    String domain,
    String selector,
    String identity,
    List<String> headers,
    Canonicalization headerCanon,
    Canonicalization bodyCanon,
    byte[] bodyHash,
    byte[] signature,
    String signatureBase64,
    OptionalLong bodyLength,
    OptionalLong timestamp,
    OptionalLong expiry) {

  /** A signature that cannot be used; the message explains why (it goes into the result). */
  public static final class InvalidException extends Exception {
    public InvalidException(String message) {
      super(message);
    }
  }

  /** Parses the value of a DKIM-Signature field; {@code raw} is the whole field (see the record doc). */
  public static DkimSignature parse(String raw) throws InvalidException {
    return parse(raw, false);
  }

  /**
   * As {@link #parse(String)}; with {@code acceptDrafts}, signatures of the pre-RFC drafts (no v=, or
   * v=0.5) that already carried bh= are read as v=1, which is only useful to replay old corpora.
   */
  public static DkimSignature parse(String raw, boolean acceptDrafts) throws InvalidException {
    int colon = raw.indexOf(':');
    String value = raw.substring(colon + 1, raw.endsWith("\r\n") ? raw.length() - 2 : raw.length());
    TagList t;
    try {
      t = TagList.parse(value);
    } catch (TagList.SyntaxException e) {
      throw new InvalidException("syntax: " + e.getMessage());
    }
    for (String req : List.of("v", "a", "b", "bh", "d", "h", "s")) {
      if (!t.has(req) && !(acceptDrafts && req.equals("v"))) {
        throw new InvalidException("missing tag " + req + "=");
      }
    }
    String version = t.get("v").orElse("0.5");
    if (!version.equals("1") && !(acceptDrafts && version.equals("0.5"))) {
      throw new InvalidException("unsupported version v=" + t.get("v").orElseThrow());
    }
    DkimAlgorithm alg = DkimAlgorithm.parse(t.get("a").orElseThrow());
    if (alg == null) {
      throw new InvalidException("unknown algorithm a=" + t.get("a").orElseThrow());
    }
    String domain = t.get("d").orElseThrow().toLowerCase(Locale.ROOT);
    if (!isDomain(domain)) {
      throw new InvalidException("bad domain d=" + domain);
    }
    String selector = t.get("s").orElseThrow().toLowerCase(Locale.ROOT);
    if (!isDomain(selector)) {
      throw new InvalidException("bad selector s=" + selector);
    }
    String identity = t.has("i") ? quotedPrintable(t.get("i").orElseThrow()) : "@" + domain;
    int at = identity.lastIndexOf('@');
    if (at < 0) {
      throw new InvalidException("bad identity i=" + identity);
    }
    String idDomain = identity.substring(at + 1).toLowerCase(Locale.ROOT);
    if (!idDomain.equals(domain) && !idDomain.endsWith("." + domain)) {
      throw new InvalidException("i= domain " + idDomain + " is not within d=" + domain);
    }
    List<String> headers = new ArrayList<>();
    for (String h : t.get("h").orElseThrow().split(":", -1)) {
      String name = TagList.withoutWhiteSpace(h).toLowerCase(Locale.ROOT);
      if (name.isEmpty()) {
        throw new InvalidException("empty name in h=");
      }
      headers.add(name);
    }
    if (!headers.contains("from")) {
      throw new InvalidException("From is not signed (h= lacks from)");
    }
    Canonicalization hc = Canonicalization.SIMPLE;
    Canonicalization bc = Canonicalization.SIMPLE;
    if (t.has("c")) {
      String[] c = t.get("c").orElseThrow().split("/", -1);
      if (c.length > 2) {
        throw new InvalidException("bad c=" + t.get("c").orElseThrow());
      }
      hc = Canonicalization.parse(c[0]);
      bc = c.length == 2 ? Canonicalization.parse(c[1]) : Canonicalization.SIMPLE;
      if (hc == null || bc == null) {
        throw new InvalidException("unknown canonicalization c=" + t.get("c").orElseThrow());
      }
    }
    if (t.has("q")) {
      boolean dnsTxt = false;
      for (String q : t.get("q").orElseThrow().split(":")) {
        String m = TagList.withoutWhiteSpace(q);
        dnsTxt |= m.equalsIgnoreCase("dns/txt") || (acceptDrafts && m.equalsIgnoreCase("dns"));
      }
      if (!dnsTxt) {
        throw new InvalidException("unsupported query method q=" + t.get("q").orElseThrow());
      }
    }
    byte[] bh = base64(t.get("bh").orElseThrow(), "bh");
    String b64 = TagList.withoutWhiteSpace(t.get("b").orElseThrow());
    byte[] sig = base64(b64, "b");
    if (sig.length == 0) {
      throw new InvalidException("empty signature b=");
    }
    OptionalLong l = number(t, "l", 76);
    OptionalLong ts = number(t, "t", 12);
    OptionalLong x = number(t, "x", 12);
    if (ts.isPresent() && x.isPresent() && x.getAsLong() < ts.getAsLong()) {
      throw new InvalidException("x= is before t=");
    }
    return new DkimSignature(
        raw, t, alg, domain, selector, identity, List.copyOf(headers), hc, bc, bh, sig, b64, l, ts, x);
  }

  /** Decodes dkim-quoted-printable (RFC 6376 §2.11): =XX hex escapes, white space ignored. */
  static String quotedPrintable(String v) throws InvalidException {
    StringBuilder sb = new StringBuilder(v.length());
    String s = TagList.withoutWhiteSpace(v);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '=') {
        sb.append(c);
        continue;
      }
      if (i + 2 >= s.length()) {
        throw new InvalidException("bad quoted-printable in " + v);
      }
      int hi = Character.digit(s.charAt(i + 1), 16);
      int lo = Character.digit(s.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        throw new InvalidException("bad quoted-printable in " + v);
      }
      sb.append((char) (hi * 16 + lo));
      i += 2;
    }
    return sb.toString();
  }

  private static byte[] base64(String value, String tag) throws InvalidException {
    try {
      return Base64.getDecoder().decode(TagList.withoutWhiteSpace(value));
    } catch (IllegalArgumentException e) {
      throw new InvalidException("bad base64 in " + tag + "=");
    }
  }

  /** Decimal tags; l= may have up to 76 digits by the grammar, more than a long holds: cap it. */
  private static OptionalLong number(TagList t, String name, int maxDigits) throws InvalidException {
    if (!t.has(name)) {
      return OptionalLong.empty();
    }
    String v = t.get(name).orElseThrow();
    if (v.isEmpty() || v.length() > maxDigits || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidException("bad number " + name + "=" + v);
    }
    if (v.length() > 18) {
      return OptionalLong.of(Long.MAX_VALUE); // larger than any body we will see
    }
    return OptionalLong.of(Long.parseLong(v));
  }

  public static boolean isDomain(String s) {
    if (s.isEmpty() || s.length() > 253 || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c >= 0x80;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The DNS name of the key record: {@code selector._domainkey.domain}. */
  public String keyName() {
    return selector + "._domainkey." + domain;
  }

  /** The first {@code n} characters of b=, for header.b in Authentication-Results (RFC 6008). */
  public String signaturePrefix(int n) {
    return signatureBase64.substring(0, Math.min(n, signatureBase64.length()));
  }
}
