package dev.postamt.config;

import java.time.Duration;

/**
 * {@code [delivery]}: outbound SMTP. The time-outs are those of RFC 5321 §4.5.3.2: {@code
 * commandTimeout} for the greeting and every command reply, {@code dataInitTimeout} for the 354, {@code
 * dataBlockTimeout} for each write of message data, {@code dataEndTimeout} for the reply to the final
 * dot. {@code recipientDelimiter} (Postfix's {@code recipient_delimiter}, RFC 5233) separates a
 * recipient's detail: {@code alice+lists@} reaches {@code alice@} when no user or alias claims the whole
 * address; empty turns that off.
 */
public record Delivery(
    int remotePort,
    boolean allowForwardCommands,
    Duration connectTimeout,
    Duration commandTimeout,
    Duration dataInitTimeout,
    Duration dataBlockTimeout,
    Duration dataEndTimeout,
    Duration connectionCacheTime,
    String recipientDelimiter) {
  public Delivery(int remotePort, boolean allowForwardCommands) {
    this(
        remotePort,
        allowForwardCommands,
        Duration.ofSeconds(30),
        Duration.ofMinutes(5),
        Duration.ofMinutes(2),
        Duration.ofMinutes(3),
        Duration.ofMinutes(10),
        Duration.ofSeconds(2),
        "+");
  }

  static Delivery parse(ConfigReader r) {
    r.allowKeys(
        "delivery",
        "remote_port",
        "allow_forward_commands",
        "connect_timeout",
        "command_timeout",
        "data_init_timeout",
        "data_block_timeout",
        "data_end_timeout",
        "connection_cache_time",
        "recipient_delimiter",
        "tls_trust");
    Duration ms100 = Duration.ofMillis(100);
    Duration hour = Duration.ofHours(1);
    return new Delivery(
        r.integer("delivery.remote_port", 25, 1, 65535),
        r.bool("delivery.allow_forward_commands", false),
        r.duration("delivery.connect_timeout", Duration.ofSeconds(30), ms100, Duration.ofMinutes(10)),
        r.duration("delivery.command_timeout", Duration.ofMinutes(5), ms100, hour),
        r.duration("delivery.data_init_timeout", Duration.ofMinutes(2), ms100, hour),
        r.duration("delivery.data_block_timeout", Duration.ofMinutes(3), ms100, hour),
        r.duration("delivery.data_end_timeout", Duration.ofMinutes(10), ms100, hour),
        r.duration("delivery.connection_cache_time", Duration.ofSeconds(2), Duration.ZERO, Duration.ofMinutes(5)),
        recipientDelimiter(r));
  }

  private static String recipientDelimiter(ConfigReader r) {
    String delimiter = r.string("delivery.recipient_delimiter", "+");
    if (delimiter.length() > 1 || (delimiter.length() == 1 && (delimiter.equals("@") || delimiter.equals(".")
        || Character.isLetterOrDigit(delimiter.charAt(0)) || delimiter.charAt(0) <= ' '))) {
      r.error("delivery.recipient_delimiter", "must be one character other than a letter, digit, space, '.' or '@',"
          + " or empty to turn details off, got \"" + delimiter + "\"");
      return "+";
    }
    return delimiter;
  }
}
