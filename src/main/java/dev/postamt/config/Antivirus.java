package dev.postamt.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code [antivirus]}: the clamd the end-of-data stage streams every message to, and what happens with
 * a virus or when clamd cannot answer.
 *
 * @param clamd {@code unix:/run/clamav/clamd.ctl} or {@code tcp:host:port}; empty: no virus scan
 * @param onUnavailable {@code tempfail} ({@code 451 4.7.1}, the client retries) or {@code accept}
 *     (delivered with {@code X-Virus-Scanned: unavailable})
 * @param action what a virus found in inbound mail causes: {@code reject} ({@code 554 5.7.0} at end of
 *     DATA), {@code quarantine} or {@code discard} (both answer 250); authenticated submissions are
 *     always refused
 * @param timeout for connecting to clamd and for each scan
 * @param maxSize bytes streamed per part and for the whole message; set it to clamd's {@code
 *     StreamMaxLength} (what is longer is scanned up to this size and the header says so)
 * @param connections idle clamd sessions kept open for reuse
 * @param notifyRecipient with {@code quarantine}: the recipients get a short notice naming the virus
 * @param blockAttachments forbidden attachments (executables, double extensions, bidi-control names,
 *     executable content, zip bombs, encrypted archives, Office macros) are treated like a virus; works
 *     without clamd too
 */
public record Antivirus(
    String clamd,
    String onUnavailable,
    String action,
    Duration timeout,
    long maxSize,
    int connections,
    boolean notifyRecipient,
    boolean blockAttachments) {
  public static final List<String> ON_UNAVAILABLE = List.of("tempfail", "accept");
  public static final List<String> ACTIONS = List.of("reject", "quarantine", "discard");

  static Antivirus parse(ConfigReader r) {
    r.allowKeys(
        "antivirus", "clamd", "on_unavailable", "action", "timeout", "max_size", "connections", "notify_recipient",
        "block_attachments");
    String clamd = r.string("antivirus.clamd", "").strip();
    if (!clamd.isEmpty() && !validAddress(clamd)) {
      r.error("antivirus.clamd", "must be \"unix:/path/to/socket\" or \"tcp:host:port\", got \"" + clamd + "\"");
    }
    String onUnavailable = r.string("antivirus.on_unavailable", "tempfail");
    if (!ON_UNAVAILABLE.contains(onUnavailable)) {
      r.error("antivirus.on_unavailable", "must be \"tempfail\" or \"accept\", got \"" + onUnavailable + "\"");
    }
    String action = r.string("antivirus.action", "reject");
    if (!ACTIONS.contains(action)) {
      r.error("antivirus.action", "must be one of " + String.join(", ", ACTIONS) + ", got \"" + action + "\"");
    }
    return new Antivirus(
        clamd,
        onUnavailable,
        action,
        r.duration("antivirus.timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(30)),
        // Debian's clamd.conf ships StreamMaxLength 25M
        r.size("antivirus.max_size", 25L << 20, 1L << 20, 4L << 30),
        r.integer("antivirus.connections", 8, 0, 1000),
        r.bool("antivirus.notify_recipient", true),
        r.bool("antivirus.block_attachments", false));
  }

  /** Whether messages are scanned at all. */
  public boolean enabled() {
    return !clamd.isEmpty();
  }

  static boolean validAddress(String v) {
    if (v.startsWith("unix:")) {
      return v.length() > 5 && v.charAt(5) == '/';
    }
    if (v.startsWith("tcp:")) {
      var a = Config.parseAddress(v.substring(4));
      return a != null && a.getPort() > 0 && !a.getHostString().isEmpty();
    }
    return false;
  }
}
