package dev.postamt.smtp.client;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One reply from the peer: the three-digit code, the RFC 3463 enhanced status when the peer gave one,
 * and the text lines without the code.
 */
public record ClientReply(int code, String enhanced, List<String> lines) {
  private static final Pattern ENHANCED = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?: |$)");

  /** Builds a reply from raw lines ("250-first", "250 last"). */
  static ClientReply of(int code, List<String> texts) {
    String enhanced = null;
    if (!texts.isEmpty()) {
      Matcher m = ENHANCED.matcher(texts.getFirst());
      if (m.find() && m.group(1).charAt(0) == Character.forDigit(code / 100, 10)) {
        enhanced = m.group(1);
      }
    }
    return new ClientReply(code, enhanced, List.copyOf(texts));
  }

  public boolean positive() {
    return code >= 200 && code < 400;
  }

  public boolean transientFailure() {
    return code >= 400 && code < 500;
  }

  public boolean permanentFailure() {
    return code >= 500;
  }

  /** The status for a DSN: the peer's enhanced code, else one derived from the basic code. */
  public String status() {
    if (enhanced != null) {
      return enhanced;
    }
    return (code / 100) + ".0.0";
  }

  /** "550 5.1.1 text text" on one line, as used in logs and Diagnostic-Code. */
  @Override
  public String toString() {
    return code + " " + String.join(" ", lines);
  }
}
