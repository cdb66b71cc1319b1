package dev.postamt.mailauth.dkim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed DKIM-style tag list (RFC 6376 §3.2), used by DKIM signatures and key records, DMARC records
 * and the ARC header fields. The parser is strict and pure: it works on a string (the header field
 * value decoded as ISO-8859-1, so bytes survive unchanged) and never does I/O, so it can be fuzzed
 * alone.
 *
 * <p>Grammar: {@code tag-list = tag-spec *( ";" tag-spec ) [ ";" ]}, {@code tag-spec = [FWS] tag-name
 * [FWS] "=" [FWS] tag-value [FWS]}, {@code tag-name = ALPHA *(ALPHA / DIGIT / "_")}, values made of
 * VALCHAR (%x21-3A / %x3C-7E) runs separated by folding white space. A duplicate tag makes the whole
 * list invalid (§3.2: "Tags with duplicate names MUST NOT occur"). Values are kept with their inner
 * white space; callers that need base64 strip it themselves.
 */
public final class TagList {
  /** One tag with the offsets of its value in the parsed text (the value's span, white space excluded). */
  public record Tag(String name, String value, int valueStart, int valueEnd, int specEnd) {}

  private final String text;
  private final Map<String, Tag> tags;
  private final List<String> order;

  private TagList(String text, Map<String, Tag> tags, List<String> order) {
    this.text = text;
    this.tags = tags;
    this.order = order;
  }

  /** Thrown for text that is not a valid tag list; the message says what is wrong, in a few words. */
  public static final class SyntaxException extends Exception {
    public SyntaxException(String message) {
      super(message);
    }
  }

  public static TagList parse(String text) throws SyntaxException {
    Map<String, Tag> tags = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (true) {
      i = skipFws(text, i);
      if (i >= n) {
        break; // empty list, or a trailing ";"
      }
      int nameStart = i;
      if (!isAlpha(text.charAt(i))) {
        throw new SyntaxException("bad tag name at offset " + i);
      }
      while (i < n && (isAlpha(text.charAt(i)) || isDigit(text.charAt(i)) || text.charAt(i) == '_')) {
        i++;
      }
      String name = text.substring(nameStart, i);
      i = skipFws(text, i);
      if (i >= n || text.charAt(i) != '=') {
        throw new SyntaxException("tag " + name + " has no '='");
      }
      i = skipFws(text, i + 1);
      int valueStart = i;
      int valueEnd = i;
      while (i < n && text.charAt(i) != ';') {
        char c = text.charAt(i);
        if (isValChar(c)) {
          i++;
          valueEnd = i;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
          int j = skipFws(text, i);
          if (j == i) {
            throw new SyntaxException("bare CR or LF in tag " + name);
          }
          i = j;
        } else {
          throw new SyntaxException("bad character 0x" + Integer.toHexString(c) + " in tag " + name);
        }
      }
      if (tags.containsKey(name)) {
        throw new SyntaxException("duplicate tag " + name);
      }
      tags.put(name, new Tag(name, text.substring(valueStart, valueEnd), valueStart, valueEnd, i));
      order.add(name);
      if (i >= n) {
        break;
      }
      i++; // the ';'
    }
    return new TagList(text, Collections.unmodifiableMap(tags), List.copyOf(order));
  }

  /** Skips FWS: white space, and CRLF only when followed by white space (a fold, RFC 5322 §3.2.2). */
  private static int skipFws(String s, int i) {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
      } else if (c == '\r' && i + 2 < n && s.charAt(i + 1) == '\n' && isWsp(s.charAt(i + 2))) {
        i += 3;
      } else if (c == '\n' && i + 1 < n && isWsp(s.charAt(i + 1))) {
        i += 2; // a fold with a bare LF: messages stored with LF line ends
      } else {
        break;
      }
    }
    return i;
  }

  private static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isValChar(char c) {
    return c >= 0x21 && c <= 0x7e && c != ';';
  }

  public Optional<String> get(String name) {
    Tag t = tags.get(name);
    return t == null ? Optional.empty() : Optional.of(t.value());
  }

  public Optional<Tag> tag(String name) {
    return Optional.ofNullable(tags.get(name));
  }

  public boolean has(String name) {
    return tags.containsKey(name);
  }

  /** Tag names in the order they appeared. */
  public List<String> names() {
    return order;
  }

  public String text() {
    return text;
  }

  /** The value with all folding white space removed, as needed for base64 tags (b=, bh=, p=). */
  public static String withoutWhiteSpace(String value) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * The text with the value of tag {@code name} deleted together with the white space around it, as
   * the signature is hashed with b= empty (RFC 6376 §3.5, "b="). The tag must exist.
   */
  public String withEmptyValue(String name) {
    Tag t = tags.get(name);
    int eq = text.lastIndexOf('=', t.valueStart() - 1);
    return text.substring(0, eq + 1) + text.substring(t.specEnd());
  }
}
