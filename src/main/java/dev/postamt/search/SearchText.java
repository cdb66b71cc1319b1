package dev.postamt.search;

import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The text an IMAP SEARCH string key is compared with (RFC 3501 §6.4.4, RFC 9051 §6.4.4: "a
 * case-insensitive substring match"), written once and used by both the scanning matcher of the
 * {@code imap} package and the substring fields of the index ({@link MessageDocument}). Because both
 * take their strings from here, a message the index knows answers exactly as a scan would: that is
 * what makes the index's answer definite rather than a list of candidates (see {@link Trigrams}).
 *
 * <p>Every string is folded with {@link #fold} (lower case, root locale), and so must the needle be.
 */
public final class SearchText {
  private SearchText() {}

  /** The header fields whose addresses are also matched in their normalised form. */
  public static final Set<String> ADDRESS_FIELDS = Set.of("from", "to", "cc", "bcc", "sender", "reply-to");

  /** Case folding of haystack and needle alike. */
  public static String fold(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * What {@code HEADER field string} (and FROM, TO, CC, BCC, SUBJECT) compares with: each value of the
   * field, RFC 2047 decoded, and for address fields also every address as {@code Name <local@host>}, so
   * that comments and white space inside an address do not hide it (as Dovecot does). Folded.
   */
  public static List<String> headerStrings(MimePart m, String field) {
    List<String> out = new ArrayList<>();
    boolean address = ADDRESS_FIELDS.contains(field.toLowerCase(Locale.ROOT));
    for (String v : m.headers(field)) {
      out.add(fold(HeaderText.decode(v)));
      if (address) {
        for (Address a : Address.parseList(v)) {
          if (a.isGroupEnd()) {
            continue;
          }
          String email = a.email();
          out.add(fold(a.name() == null ? email : HeaderText.decode(a.name()) + " <" + email + ">"));
        }
      }
    }
    return out;
  }

  /** What TEXT compares with besides the body: every header line as {@code name: decoded value}. Folded. */
  public static List<String> headerLines(MimePart m) {
    List<String> out = new ArrayList<>(m.fields().size());
    for (MimePart.Field f : m.fields()) {
      out.add(fold(f.name() + ": " + HeaderText.decode(f.value())));
    }
    return out;
  }

  /**
   * What BODY (and TEXT) compares with: every leaf part of the MIME tree, the bodies of attached
   * messages included (their headers not), transfer decoding undone and decoded in the part's charset
   * (UTF-8 when it names none or an unknown one), folded; one string per leaf.
   */
  public static List<String> bodyStrings(MimePart p) {
    List<String> out = new ArrayList<>();
    for (MimePart leaf : leaves(p)) {
      out.add(fold(leafText(leaf)));
    }
    return out;
  }

  /** The leaves {@link #bodyStrings} reads, in its order: attached messages' bodies, not their headers. */
  public static List<MimePart> leaves(MimePart p) {
    List<MimePart> out = new ArrayList<>();
    leaves(p, out);
    return out;
  }

  private static void leaves(MimePart p, List<MimePart> out) {
    if (p.isMultipart()) {
      for (MimePart c : p.children()) {
        leaves(c, out);
      }
      return;
    }
    if (p.message() != null) {
      leaves(p.message(), out);
      return;
    }
    out.add(p);
  }

  /** A leaf's body, transfer decoding undone, as text in its charset (lenient, as mail readers are). */
  static String leafText(MimePart p) {
    String encoding = p.encoding();
    byte[] decoded;
    int from = 0;
    int length;
    if (encoding.equals("base64") || encoding.equals("quoted-printable")) {
      byte[] raw = Arrays.copyOfRange(p.data(), p.bodyStart(), p.end());
      decoded = encoding.equals("quoted-printable") ? decodeQuotedPrintable(raw) : base64(raw);
      length = decoded.length;
    } else { // the body as it is: read in place, not copied first
      decoded = p.data();
      from = p.bodyStart();
      length = p.end() - p.bodyStart();
    }
    String charset = p.params().getOrDefault("charset", "utf-8");
    try {
      return new String(decoded, from, length, Charset.forName(charset));
    } catch (RuntimeException e) {
      return new String(decoded, from, length, StandardCharsets.UTF_8);
    }
  }

  private static byte[] base64(byte[] raw) {
    try {
      return Base64.getMimeDecoder().decode(raw);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  /** Quoted-printable body decoding (RFC 2045 §6.7), lenient: a bad escape stays as it is. */
  static byte[] decodeQuotedPrintable(byte[] in) {
    byte[] o = new byte[in.length]; // never longer than its source
    int n = 0;
    for (int i = 0; i < in.length; i++) {
      byte c = in[i];
      if (c == '=' && i + 1 < in.length) {
        if (in[i + 1] == '\r' || in[i + 1] == '\n') {
          i += in[i + 1] == '\r' && i + 2 < in.length && in[i + 2] == '\n' ? 2 : 1;
          continue;
        }
        if (i + 2 < in.length) {
          int hi = Character.digit(in[i + 1], 16);
          int lo = Character.digit(in[i + 2], 16);
          if (hi >= 0 && lo >= 0) {
            o[n++] = (byte) (hi * 16 + lo);
            i += 2;
            continue;
          }
        }
      }
      o[n++] = c;
    }
    return n == o.length ? o : Arrays.copyOf(o, n);
  }
}
