package dev.postamt.sieve;

import java.nio.charset.StandardCharsets;

/**
 * The comparators of RFC 4790 that Sieve uses: {@code i;octet}, {@code i;ascii-casemap} (RFC 5228 §2.7.3)
 * and {@code i;ascii-numeric} (RFC 4790 §9.1, with relational tests).
 */
public enum Comparator {
  OCTET("i;octet"),
  ASCII_CASEMAP("i;ascii-casemap"),
  ASCII_NUMERIC("i;ascii-numeric"),
  /** RFC 5051: Unicode case folding (approximated by lower-casing the upper-cased text). */
  UNICODE_CASEMAP("i;unicode-casemap");

  private final String id;

  Comparator(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static Comparator byName(String name) {
    for (Comparator c : values()) {
      if (c.id.equals(name)) {
        return c;
      }
    }
    return null;
  }

  /** i;ascii-numeric compares numbers only; substring matching is not defined for it. */
  public boolean supportsSubstring() {
    return this != ASCII_NUMERIC;
  }

  public boolean equal(String a, String b) {
    return switch (this) {
      case OCTET -> a.equals(b);
      case ASCII_CASEMAP -> asciiEqualsIgnoreCase(a, b);
      case ASCII_NUMERIC -> compare(a, b) == 0;
      case UNICODE_CASEMAP -> fold(a).equals(fold(b));
    };
  }

  public boolean contains(String value, String key) {
    if (this == OCTET) {
      return value.contains(key);
    }
    if (this == UNICODE_CASEMAP) {
      return fold(value).contains(fold(key));
    }
    int n = key.length();
    for (int i = 0; i + n <= value.length(); i++) {
      if (regionEqualsAscii(value, i, key)) {
        return true;
      }
    }
    return false;
  }

  /** Ordering for :value and :count (RFC 5231). */
  public int compare(String a, String b) {
    return switch (this) {
      case OCTET -> compareOctets(a, b);
      case ASCII_CASEMAP -> compareOctets(asciiLower(a), asciiLower(b));
      case ASCII_NUMERIC -> compareNumeric(a, b);
      case UNICODE_CASEMAP -> compareOctets(fold(a), fold(b));
    };
  }

  static String fold(String s) {
    return s.toUpperCase(java.util.Locale.ROOT).toLowerCase(java.util.Locale.ROOT);
  }

  private static int compareOctets(String a, String b) {
    return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** RFC 4790 §9.1: the leading digits; a string not starting with a digit is positive infinity. */
  private static int compareNumeric(String a, String b) {
    String x = leadingDigits(a);
    String y = leadingDigits(b);
    if (x == null || y == null) {
      return x == null ? (y == null ? 0 : 1) : -1;
    }
    if (x.length() != y.length()) {
      return Integer.compare(x.length(), y.length());
    }
    return x.compareTo(y);
  }

  private static String leadingDigits(String s) {
    int end = 0;
    while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
      end++;
    }
    if (end == 0) {
      return null;
    }
    int start = 0;
    while (start < end - 1 && s.charAt(start) == '0') {
      start++;
    }
    return s.substring(start, end);
  }

  static boolean asciiEqualsIgnoreCase(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y && asciiLower(x) != asciiLower(y)) {
        return false;
      }
    }
    return true;
  }

  private static boolean regionEqualsAscii(String value, int from, String key) {
    for (int k = 0; k < key.length(); k++) {
      char x = value.charAt(from + k);
      char y = key.charAt(k);
      if (x != y && asciiLower(x) != asciiLower(y)) {
        return false;
      }
    }
    return true;
  }

  static char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  static String asciiLower(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, (char) (c + 32));
      }
    }
    return b == null ? s : b.toString();
  }
}
