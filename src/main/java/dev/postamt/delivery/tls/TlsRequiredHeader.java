package dev.postamt.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The {@code TLS-Required} header field of RFC 8689 §5: a sender's {@code TLS-Required: No} asks that
 * the message be delivered even where the recipient domain's published TLS policy (MTA-STS, DANE)
 * would refuse the connection. Only the header section is read, streamed, and at most {@link #LIMIT}
 * bytes of it.
 */
public final class TlsRequiredHeader {
  /** How much of a header section is read looking for the field; a longer one is not looked at further. */
  static final int LIMIT = 256 * 1024;

  private TlsRequiredHeader() {}

  /**
   * Whether the server-added fields {@code added} or the header section of {@code message} (only that
   * is read) have a {@code TLS-Required} field whose value is {@code No} (case-insensitive, RFC 8689
   * §5: "the only valid value is No").
   */
  public static boolean saysNo(String added, InputStream message) throws IOException {
    if (has(added)) {
      return true;
    }
    byte[] head = readHeaderSection(message);
    return has(new String(head, StandardCharsets.ISO_8859_1));
  }

  private static boolean has(String section) {
    String[] fields = section.split("\r?\n(?![ \t])");
    for (String f : fields) {
      int colon = f.indexOf(':');
      if (colon > 0 && f.substring(0, colon).strip().equalsIgnoreCase("TLS-Required")) {
        String v = f.substring(colon + 1).replaceAll("[\r\n]", "").strip().toLowerCase(Locale.ROOT);
        // RFC 8689 §5: ABNF "No" [CFWS]; a trailing comment is allowed
        if (v.equals("no") || v.startsWith("no ") || v.startsWith("no(") || v.startsWith("no\t")) {
          return true;
        }
      }
    }
    return false;
  }

  private static byte[] readHeaderSection(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int lineLen = 0;
    int b;
    while (out.size() < LIMIT && (b = in.read()) >= 0) {
      if (b == '\n') {
        if (lineLen == 0) {
          break;
        }
        lineLen = 0;
      } else if (b != '\r') {
        lineLen++;
      }
      out.write(b);
    }
    return out.toByteArray();
  }
}
