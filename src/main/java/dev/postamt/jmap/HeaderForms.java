package dev.postamt.jmap;

import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed forms of a header field (RFC 8621 §4.1.2): {@code Raw}, {@code Text}, {@code Addresses},
 * {@code GroupedAddresses}, {@code MessageIds}, {@code Date} and {@code URLs}, and the {@code
 * header:Name[:asForm][:all]} properties that ask for them (§4.1.3). Malformed values give null, as
 * the RFC asks, never an error.
 */
final class HeaderForms {
  private HeaderForms() {}

  enum Form {
    RAW, TEXT, ADDRESSES, GROUPED_ADDRESSES, MESSAGE_IDS, DATE, URLS
  }

  /** A parsed {@code header:} property. */
  record HeaderProperty(String name, Form form, boolean all) {}

  /** Parses {@code header:Name[:asForm][:all]}; null when it is not well formed. */
  static HeaderProperty parseProperty(String p) {
    if (!p.startsWith("header:")) {
      return null;
    }
    String[] parts = p.substring(7).split(":", -1);
    if (parts.length == 0 || parts.length > 3 || !parts[0].matches("[\\x21-\\x39\\x3b-\\x7e]+")) {
      return null;
    }
    Form form = Form.RAW;
    boolean all = false;
    for (int k = 1; k < parts.length; k++) {
      String s = parts[k];
      if (s.equals("all") && k == parts.length - 1) {
        all = true;
      } else if (k == 1 && s.startsWith("as")) {
        form = switch (s) {
          case "asRaw" -> Form.RAW;
          case "asText" -> Form.TEXT;
          case "asAddresses" -> Form.ADDRESSES;
          case "asGroupedAddresses" -> Form.GROUPED_ADDRESSES;
          case "asMessageIds" -> Form.MESSAGE_IDS;
          case "asDate" -> Form.DATE;
          case "asURLs" -> Form.URLS;
          default -> null;
        };
        if (form == null) {
          return null;
        }
      } else {
        return null;
      }
    }
    return new HeaderProperty(parts[0], form, all);
  }

  /** The value of a {@code header:} property for the fields of {@code part}. */
  static Object value(MimePart part, HeaderProperty p) {
    List<Object> values = new ArrayList<>();
    for (MimePart.Field f : part.fields()) {
      if (f.name().equalsIgnoreCase(p.name())) {
        values.add(parse(raw(part, f), p.form()));
      }
    }
    if (p.all()) {
      return values;
    }
    return values.isEmpty() ? null : values.getLast(); // §4.1.3: the last instance
  }

  /** The raw value: the octets after the colon up to the final CRLF, one char per byte (ISO-8859-1). */
  static String raw(MimePart part, MimePart.Field f) {
    byte[] d = part.data();
    int at = f.start();
    while (at < f.end() && d[at] != ':') {
      at++;
    }
    int end = f.end();
    if (end > at && d[end - 1] == '\n') {
      end--;
    }
    if (end > at && d[end - 1] == '\r') {
      end--;
    }
    return new String(d, Math.min(at + 1, end), Math.max(0, end - at - 1), StandardCharsets.ISO_8859_1);
  }

  /** @param raw the value as {@link #raw} gives it (bytes as chars) */
  static Object parse(String raw, Form form) {
    return switch (form) {
      case RAW -> HeaderText.toUnicode(raw);
      case TEXT -> text(raw);
      case ADDRESSES -> addresses(raw);
      case GROUPED_ADDRESSES -> groups(raw);
      case MESSAGE_IDS -> messageIds(raw);
      case DATE -> date(raw);
      case URLS -> urls(raw);
    };
  }

  private static String unfold(String raw) {
    return raw.replaceAll("\r?\n(?=[ \t])", "");
  }

  /** §4.1.2.2: unfolded, RFC 2047 words decoded, leading and trailing white space removed. */
  static String text(String raw) {
    return HeaderText.decode(unfold(raw)).strip();
  }

  /** §4.1.2.3: every mailbox of the list (groups flattened), names decoded. */
  static List<Object> addresses(String raw) {
    List<Object> out = new ArrayList<>();
    for (Address a : Address.parseList(unfold(raw))) {
      if (!a.isGroupStart() && !a.isGroupEnd()) {
        out.add(address(a));
      }
    }
    return out;
  }

  /** §4.1.2.4: the list as groups; mailboxes outside a group in groups with a null name. */
  static List<Object> groups(String raw) {
    List<Object> out = new ArrayList<>();
    List<Object> current = null;
    String currentName = null;
    boolean inGroup = false;
    for (Address a : Address.parseList(unfold(raw))) {
      if (a.isGroupStart()) {
        flush(out, currentName, current);
        currentName = HeaderText.decode(a.mailbox());
        current = new ArrayList<>();
        inGroup = true;
      } else if (a.isGroupEnd()) {
        flush(out, currentName, current);
        current = null;
        currentName = null;
        inGroup = false;
      } else {
        if (current == null || (!inGroup && currentName != null)) {
          flush(out, currentName, current);
          current = new ArrayList<>();
          currentName = null;
        }
        current.add(address(a));
      }
    }
    flush(out, currentName, current);
    return out;
  }

  private static void flush(List<Object> out, String name, List<Object> addresses) {
    if (addresses == null) {
      return;
    }
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("name", name);
    g.put("addresses", addresses);
    out.add(g);
  }

  private static Map<String, Object> address(Address a) {
    Map<String, Object> m = new LinkedHashMap<>();
    String name = a.name() == null ? null : HeaderText.decode(a.name()).strip(); // Address unquoted it already
    m.put("name", name == null || name.isEmpty() ? null : name);
    m.put("email", a.host() == null ? a.mailbox() : HeaderText.toUnicode(a.mailbox() + "@" + a.host()));
    return m;
  }

  private static final Pattern MSG_ID = Pattern.compile("<([^<>\\s]+)>");

  /** §4.1.2.5: the ids without angle brackets; null when there is none or one is malformed. */
  static List<Object> messageIds(String raw) {
    List<Object> out = new ArrayList<>();
    String rest = HeaderText.stripComments(unfold(raw));
    Matcher m = MSG_ID.matcher(rest);
    int last = 0;
    while (m.find()) {
      if (!rest.substring(last, m.start()).isBlank()) {
        return null;
      }
      out.add(HeaderText.toUnicode(m.group(1)));
      last = m.end();
    }
    return out.isEmpty() || !rest.substring(last).isBlank() ? null : out;
  }

  /** §4.1.2.6: an RFC 3339 date with the sender's offset, or null. */
  static String date(String raw) {
    ZonedDateTime d = HeaderText.parseDate(unfold(raw));
    return d == null ? null : d.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  /** §4.1.2.7: the URLs of a List-* style field, or null. */
  static List<Object> urls(String raw) {
    List<Object> out = new ArrayList<>();
    Matcher m = Pattern.compile("<([^<>]*)>").matcher(unfold(raw));
    while (m.find()) {
      out.add(m.group(1).replaceAll("\\s", ""));
    }
    return out.isEmpty() ? null : out;
  }

  /** A UTC date as JMAP's UTCDate (RFC 8620 §1.4). */
  static String utc(long millis) {
    return DateTimeFormatter.ISO_INSTANT.format(java.time.Instant.ofEpochMilli(millis / 1000 * 1000).atOffset(ZoneOffset.UTC));
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
