package dev.postamt.directory;

import java.net.IDN;
import java.util.Locale;

/**
 * A mail address in the canonical form the directory stores: trimmed, lower case, the domain as an ASCII
 * DNS name (internationalised domains become their A-label, RFC 5890).
 *
 * <p>The local part must be an RFC 5322 dot-atom. Quoted local parts ({@code "john doe"@x}) are legal
 * on the wire but are refused here: they are vanishingly rare, and a user's local part also names a
 * directory on disk (see {@code store.UserHome}), so {@code /} and {@code \} are refused as well.
 * Lengths follow RFC 5321 §4.5.3.1 (local part 64, domain 255 octets, labels 63).
 */
public record Address(String localPart, String domain) {

  /** RFC 5322 §3.2.3 atext, minus '/' which would be a path separator in the mail store. */
  private static final String ATEXT = "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-=?^_`{|}~";

  @Override
  public String toString() {
    return localPart + "@" + domain;
  }

  /** Parses and normalises {@code text}; the message of the exception says what is wrong. */
  public static Address parse(String text) throws DirectoryException {
    if (text == null || text.isBlank()) {
      throw new DirectoryException("address must not be empty");
    }
    String a = text.trim();
    int at = a.indexOf('@');
    if (at < 0) {
      throw new DirectoryException("\"" + a + "\" is not a mail address: it has no @");
    }
    if (a.indexOf('@', at + 1) >= 0) {
      throw new DirectoryException("\"" + a + "\" is not a mail address: it has more than one @");
    }
    String local = a.substring(0, at).toLowerCase(Locale.ROOT);
    if (local.isEmpty()) {
      throw new DirectoryException("\"" + a + "\" is not a mail address: the part before @ is empty");
    }
    checkLocalPart(a, local);
    String domain;
    try {
      domain = parseDomain(a.substring(at + 1));
    } catch (DirectoryException e) {
      throw new DirectoryException("\"" + a + "\" is not a mail address: " + e.getMessage());
    }
    return new Address(local, domain);
  }

  /** Whether {@code text} parses; for callers that only need a yes or no. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (DirectoryException e) {
      return false;
    }
  }

  /**
   * Normalises a domain name: trimmed, lower case, one trailing dot dropped, Unicode labels converted to
   * their A-label. Accepts single-label names such as {@code localhost} (useful on test machines).
   */
  public static String parseDomain(String text) throws DirectoryException {
    if (text == null || text.isBlank()) {
      throw new DirectoryException("domain must not be empty");
    }
    String d = text.trim();
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    String problem = labelProblem(d);
    if (problem != null) {
      throw notADomain(text, problem);
    }
    String ascii;
    if (isAscii(d)) {
      // IDN.toASCII leaves an all-ASCII name as it is once labelProblem passed it (the same LDH, hyphen
      // and length rules): skip its per-label copies, asked several times per recipient on the SMTP path
      ascii = d.toLowerCase(Locale.ROOT);
    } else {
      try {
        ascii = IDN.toASCII(d, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw notADomain(text, "not a valid international name");
      }
      if (ascii.isEmpty() || ascii.length() > 253) {
        throw notADomain(text, "longer than 253 characters");
      }
      problem = labelProblem(ascii);
      if (problem != null) {
        throw notADomain(text, problem);
      }
    }
    if (ascii.length() > 253) {
      throw notADomain(text, "longer than 253 characters");
    }
    // An all-numeric last label would make "10.0.0.1" look like a domain; RFC 5321 wants [10.0.0.1].
    if (allDigits(ascii, ascii.lastIndexOf('.') + 1)) {
      throw notADomain(text, "the last label is all digits (an IP address is written [192.0.2.1])");
    }
    return ascii;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} from {@code from} on is one or more ASCII digits ({@code matches("[0-9]+")} without a Pattern). */
  private static boolean allDigits(String s, int from) {
    if (from >= s.length()) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static DirectoryException notADomain(String text, String why) {
    return new DirectoryException("\"" + text.trim() + "\" is not a domain name: " + why);
  }

  /** Why a label of {@code d} is not an LDH label (RFC 5890 §2.3.1), or null; non-ASCII is IDN's to judge. */
  private static String labelProblem(String d) {
    int start = 0;
    while (true) {
      int end = d.indexOf('.', start);
      if (end < 0) {
        end = d.length();
      }
      if (end == start) {
        return "it has an empty label (two dots in a row, or a dot at the start)";
      }
      if (d.charAt(start) == '-') {
        return "a label may not start with a hyphen";
      }
      if (d.charAt(end - 1) == '-') {
        return "a label may not end with a hyphen";
      }
      if (end - start > 63) {
        return "a label is longer than 63 characters";
      }
      for (int i = start; i < end; i++) {
        char c = d.charAt(i);
        if (c < 0x80 && !(Character.isLetterOrDigit(c) || c == '-')) {
          return "'" + c + "' is not allowed (only letters, digits and hyphens)";
        }
      }
      if (end == d.length()) {
        return null;
      }
      start = end + 1;
    }
  }

  private static void checkLocalPart(String whole, String local) throws DirectoryException {
    if (local.length() > 64) {
      throw new DirectoryException(
          "\"" + whole + "\" is not a mail address: the part before @ is longer than 64 characters");
    }
    if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
      throw new DirectoryException(
          "\"" + whole + "\" is not a mail address: dots must separate words in the part before @");
    }
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      if (c != '.' && ATEXT.indexOf(c) < 0) {
        String shown = Character.isWhitespace(c) || Character.isISOControl(c)
            ? String.format("U+%04X", (int) c)
            : "'" + c + "'";
        throw new DirectoryException(
            "\"" + whole + "\" is not a mail address: " + shown + " is not allowed before @");
      }
    }
  }
}
