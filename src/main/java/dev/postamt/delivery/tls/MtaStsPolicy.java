package dev.postamt.delivery.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One MTA-STS policy (RFC 8461 §3.2): its mode, the MX patterns mail may go to, how long it may be
 * cached, the id of the TXT record it was fetched for and when it was fetched.
 */
public record MtaStsPolicy(String id, Mode mode, List<String> mx, Duration maxAge, Instant fetched) {
  /** RFC 8461 §3.2 {@code mode}. */
  public enum Mode {
    ENFORCE, TESTING, NONE
  }

  /** The longest {@code max_age} RFC 8461 §3.2 allows: 31557600 seconds. */
  static final long MAX_AGE_LIMIT = 31_557_600L;

  /**
   * Parses a policy body: {@code key: value} lines (CRLF or LF), {@code version: STSv1} first, then
   * {@code mode}, {@code mx} (one or more, except in mode none) and {@code max_age}. Unknown keys are
   * ignored (RFC 8461 §3.2: "additional key/value pairs MUST be ignored"). Empty when it is not a valid policy.
   */
  public static Optional<MtaStsPolicy> parse(String body, String id, Instant fetched) {
    String version = null;
    Mode mode = null;
    Long maxAge = null;
    List<String> mx = new ArrayList<>();
    boolean first = true;
    for (String raw : body.split("\r?\n")) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        return Optional.empty();
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (first && !key.equals("version")) {
        return Optional.empty();
      }
      first = false;
      switch (key) {
        case "version" -> version = value;
        case "mode" -> {
          switch (value) {
            case "enforce" -> mode = Mode.ENFORCE;
            case "testing" -> mode = Mode.TESTING;
            case "none" -> mode = Mode.NONE;
            default -> {
              return Optional.empty();
            }
          }
        }
        case "max_age" -> {
          if (!value.matches("[0-9]{1,10}")) {
            return Optional.empty();
          }
          maxAge = Math.min(Long.parseLong(value), MAX_AGE_LIMIT);
        }
        case "mx" -> {
          String m = value.toLowerCase(Locale.ROOT);
          if (!m.matches("(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?\\.?")) {
            return Optional.empty();
          }
          mx.add(m.endsWith(".") ? m.substring(0, m.length() - 1) : m);
        }
        default -> {
          // extensions are ignored
        }
      }
    }
    if (!"STSv1".equals(version) || mode == null || maxAge == null || (mode != Mode.NONE && mx.isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(new MtaStsPolicy(id, mode, List.copyOf(mx), Duration.ofSeconds(maxAge), fetched));
  }

  /** The same policy under another TXT id (refreshed for a new id with an unchanged body). */
  public MtaStsPolicy withId(String newId) {
    return new MtaStsPolicy(newId, mode, mx, maxAge, fetched);
  }

  /** Whether the policy may still be used at {@code now} (RFC 8461 §5.1). */
  public boolean fresh(Instant now) {
    return now.isBefore(fetched.plus(maxAge));
  }

  /**
   * Whether {@code host} (an MX host name) is allowed: a pattern names it exactly, or {@code *.domain}
   * names it with one label more (RFC 8461 §4.1).
   */
  public boolean allows(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    for (String p : mx) {
      if (CertificateNames.matches(p, h)) {
        return true;
      }
    }
    return false;
  }

  /** The policy as served and cached (RFC 8461 §3.2 format). */
  public String text() {
    StringBuilder b = new StringBuilder("version: STSv1\r\nmode: ").append(mode.name().toLowerCase(Locale.ROOT)).append("\r\n");
    for (String m : mx) {
      b.append("mx: ").append(m).append("\r\n");
    }
    return b.append("max_age: ").append(maxAge.toSeconds()).append("\r\n").toString();
  }
}
