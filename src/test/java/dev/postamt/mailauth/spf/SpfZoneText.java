package dev.postamt.mailauth.spf;

import dev.postamt.mailauth.spf.SpfSuiteData.Entry;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Writes a scenario's zonedata as RFC 1035 master-file text, the way an operator or the acceptance
 * replay would: absolute names, odd characters as {@code \DDD}, TXT strings quoted and split at 255
 * octets. TIMEOUT entries cannot be expressed and are left out. With {@code generic}, SPF records are
 * written in RFC 3597 form ({@code TYPE99 \# len hex}) and class and TTL are left out.
 */
final class SpfZoneText {
  private SpfZoneText() {}

  static String of(Map<String, List<Entry>> zone, boolean generic) {
    StringBuilder sb = new StringBuilder("; generated from SPF test-suite zonedata\n$TTL 300\n");
    for (var e : zone.entrySet()) {
      String owner = name(e.getKey());
      for (Entry rr : e.getValue()) {
        if (rr.type().equals("TIMEOUT")) {
          continue;
        }
        sb.append(owner).append(generic ? " " : " 300 IN ");
        Object v = rr.value();
        switch (rr.type()) {
          case "A", "AAAA" -> sb.append(rr.type()).append(' ').append(v);
          case "MX" -> {
            List<?> mx = (List<?>) v;
            String host = String.valueOf(mx.get(1));
            sb.append("MX ").append(mx.get(0)).append(' ').append(host.isEmpty() ? "." : name(host));
          }
          case "PTR", "CNAME" -> sb.append(rr.type()).append(' ').append(name(String.valueOf(v)));
          case "TXT" -> sb.append("TXT").append(strings(SpfSuiteData.strings(v)));
          case "SPF" -> {
            if (generic) {
              byte[] wire = wire(SpfSuiteData.strings(v));
              sb.append("TYPE99 \\# ").append(wire.length).append(' ').append(HexFormat.of().formatHex(wire));
            } else {
              sb.append("SPF").append(strings(SpfSuiteData.strings(v)));
            }
          }
          default -> throw new IllegalArgumentException("type " + rr.type());
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** An absolute owner or target name; anything a master file would misread becomes \DDD. */
  static String name(String n) {
    String s = n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && "\"();\\@$".indexOf(c) < 0) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\%03d", c));
      }
    }
    return sb.append('.').toString();
  }

  /** Quoted character-strings of at most 255 octets; an empty record is one empty string. */
  static String strings(List<String> strings) {
    StringBuilder sb = new StringBuilder();
    if (strings.isEmpty()) {
      return " \"\"";
    }
    for (String s : strings) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      int i = 0;
      do {
        int end = Math.min(b.length, i + 255);
        sb.append(" \"");
        for (int k = i; k < end; k++) {
          int c = b[k] & 0xff;
          if (c == '"' || c == '\\') {
            sb.append('\\').append((char) c);
          } else if (c >= 0x20 && c < 0x7f) {
            sb.append((char) c);
          } else {
            sb.append(String.format("\\%03d", c));
          }
        }
        sb.append('"');
        i = end;
      } while (i < b.length);
    }
    return sb.toString();
  }

  /** TXT/SPF wire format: each string as length octet plus bytes. */
  static byte[] wire(List<String> strings) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String s : strings.isEmpty() ? List.of("") : strings) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      int i = 0;
      do {
        int end = Math.min(b.length, i + 255);
        out.write(end - i);
        out.write(b, i, end - i);
        i = end;
      } while (i < b.length);
    }
    return out.toByteArray();
  }
}
