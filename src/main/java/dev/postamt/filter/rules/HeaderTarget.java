package dev.postamt.filter.rules;

import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a {@code header} rule reads, as SpamAssassin names it: a field name ({@code Subject}), several
 * joined with {@code |}, with modifiers {@code :raw} (not decoded, folds kept), {@code :addr} (the first
 * address), {@code :name} (its display name), {@code :host}/{@code :domain} (the address's domain),
 * {@code :first}/{@code :last} (one field of several); or one of the pseudo-headers {@code ALL}
 * (every field as {@code Name: value} lines), {@code ToCc}, {@code EnvelopeFrom} (the SMTP MAIL FROM,
 * else Return-Path) and {@code MESSAGEID} (Message-ID, Resent-Message-ID, X-Message-ID).
 *
 * <p>Several fields of one name are joined with a newline, as SpamAssassin joins them. A missing field
 * reads as {@code null}; the rule then matches against its {@code [if-unset: …]} text, or "".
 */
final class HeaderTarget {
  /** SpamAssassin's pseudo-headers we cannot fill (its relay analysis): rules on them are skipped. */
  static final Set<String> UNSUPPORTED_PREFIXES = Set.of("x-spam-relays-", "all-trusted", "all-untrusted",
      "all-internal", "all-external", "x-spam-dcc", "x-spam-", "x-mimeole-");

  private static final java.util.regex.Pattern ANGLES = java.util.regex.Pattern.compile("^\\s*<|>\\s*$");

  private final String spec;
  private final List<String> names;
  private final boolean raw;
  private final String part; // "", "addr", "name", "host", "domain"
  private final String pick; // "", "first", "last"

  private HeaderTarget(String spec, List<String> names, boolean raw, String part, String pick) {
    this.spec = spec;
    this.names = names;
    this.raw = raw;
    this.part = part;
    this.pick = pick;
  }

  /** Parses a header spec; an {@link IllegalArgumentException} names what is not understood. */
  static HeaderTarget parse(String spec) {
    List<String> names = new ArrayList<>();
    boolean raw = false;
    String part = "";
    String pick = "";
    for (String alt : spec.split("\\|")) {
      String[] bits = alt.strip().split(":");
      String name = bits[0];
      if (!name.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException("header name " + name);
      }
      String lower = name.toLowerCase(Locale.ROOT);
      for (String p : UNSUPPORTED_PREFIXES) {
        if (lower.startsWith(p) && !lower.equals("x-spam-status")) {
          throw new IllegalArgumentException("pseudo-header " + name);
        }
      }
      names.add(name);
      for (int i = 1; i < bits.length; i++) {
        switch (bits[i]) {
          case "raw" -> raw = true;
          case "addr", "name", "host", "domain" -> part = bits[i];
          case "first", "last" -> pick = bits[i];
          default -> throw new IllegalArgumentException("header modifier :" + bits[i]);
        }
      }
    }
    return new HeaderTarget(spec, List.copyOf(names), raw, part, pick);
  }

  String spec() {
    return spec;
  }

  /** The first field name (what {@code mimeheader} reads). */
  String firstName() {
    return names.getFirst();
  }

  boolean raw() {
    return raw;
  }

  /** Whether any of the fields is present (for {@code exists:}). */
  boolean exists(ScanInput in) {
    return value(in) != null;
  }

  /** The text the rule reads, or null when no such field is there. */
  String value(ScanInput in) {
    if (names.size() == 1 && part.isEmpty()) {
      // one name and no address part (most rules): its values as they are, without the lists below
      List<String> values = values(in, names.getFirst());
      return values.isEmpty() ? null
          : values.size() == 1 || pick.equals("first") ? values.getFirst()
          : pick.equals("last") ? values.getLast() : String.join("\n", values);
    }
    List<String> values = new ArrayList<>();
    for (String n : names) {
      values.addAll(values(in, n));
    }
    if (values.isEmpty()) {
      return null;
    }
    if (pick.equals("first")) {
      values = List.of(values.getFirst());
    } else if (pick.equals("last")) {
      values = List.of(values.getLast());
    }
    if (!part.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (String v : values) {
        parts.add(addressPart(v));
      }
      values = parts;
    }
    return String.join("\n", values);
  }

  private List<String> values(ScanInput in, String name) {
    ScannedMessage m = in.message();
    switch (lower(name)) {
      case "all" -> {
        StringBuilder b = new StringBuilder();
        for (HeaderSection.Field f : m.headers().fields()) {
          String v = raw ? f.value() : HeaderText.decode(HeaderText.unfold(f.value())).strip();
          b.append(f.name()).append(": ").append(v).append('\n');
        }
        return b.isEmpty() ? List.of() : List.of(b.toString());
      }
      case "tocc" -> {
        List<String> v = new ArrayList<>(fields(m, "To"));
        v.addAll(fields(m, "Cc"));
        return v.isEmpty() ? List.of() : List.of(String.join(", ", v));
      }
      case "envelopefrom" -> {
        if (!in.mailFrom().isEmpty()) {
          return List.of(in.mailFrom());
        }
        List<String> rp = fields(m, "Return-Path");
        return rp.isEmpty() ? List.of() : List.of(ANGLES.matcher(rp.getFirst()).replaceAll(""));
      }
      case "messageid" -> {
        List<String> v = new ArrayList<>(fields(m, "Message-ID"));
        v.addAll(fields(m, "Resent-Message-ID"));
        v.addAll(fields(m, "X-Message-ID"));
        return v;
      }
      default -> {
        return fields(m, name);
      }
    }
  }

  /** {@code name} in lower case; the four pseudo-header names without a new string (asked per rule and message). */
  private static String lower(String name) {
    for (String pseudo : PSEUDO) {
      if (pseudo.equalsIgnoreCase(name)) {
        return pseudo;
      }
    }
    return name; // any other name goes to the default branch, whatever its case
  }

  private static final List<String> PSEUDO = List.of("all", "tocc", "envelopefrom", "messageid");

  private List<String> fields(ScannedMessage m, String name) {
    if (!raw) {
      return m.header(name);
    }
    List<String> out = new ArrayList<>();
    for (HeaderSection.Field f : m.headers().all(name)) {
      out.add(f.value());
    }
    return out;
  }

  private String addressPart(String value) {
    for (Address a : Address.parseList(value)) {
      if (a.isGroupStart() || a.isGroupEnd()) {
        continue;
      }
      return switch (part) {
        case "name" -> a.name() == null ? "" : HeaderText.decode(a.name());
        case "host", "domain" -> a.host() == null ? "" : a.host();
        default -> a.email();
      };
    }
    return part.equals("addr") ? value.replaceAll("^.*<|>.*$", "").strip() : "";
  }
}
