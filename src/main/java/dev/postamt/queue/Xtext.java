package dev.postamt.queue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RFC 3461 §4 xtext: printable ASCII except '+' and '=' as is, everything else as "+HH". */
public final class Xtext {
  private Xtext() {}

  public static String encode(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 33 && c <= 126 && c != '+' && c != '=') {
        b.append((char) c);
      } else {
        b.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }

  /** Decodes xtext; throws IllegalArgumentException for malformed input. */
  public static String decode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("truncated xtext escape");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad xtext escape");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c < 33 || c > 126 || c == '=') {
        throw new IllegalArgumentException("character not allowed in xtext");
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
