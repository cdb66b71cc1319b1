package dev.postamt.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code [log]}: where {@code serve} writes its log and in which form. Standard error by default (under
 * systemd that is the journal); or a file rotated by size, keeping {@code keep} old files; or syslog
 * over UDP (facility MAIL, like Postfix and Dovecot). Every line carries date, time and zone.
 *
 * @param format {@code text} (one human line per event) or {@code json} (one JSON object per line)
 * @param syslog empty, or {@code host[:port]} of a syslog daemon (port 514 by default)
 */
public record Log(
    String format, Optional<Path> file, long maxSize, int keep, Optional<String> syslog, String level) {
  public static final List<String> FORMATS = List.of("text", "json");
  public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

  static Log parse(ConfigReader r) {
    r.allowKeys("log", "format", "file", "max_size", "keep", "syslog", "level");
    String format = r.string("log.format", "text");
    if (!FORMATS.contains(format)) {
      r.error("log.format", "must be \"text\" or \"json\", got \"" + format + "\"");
    }
    Optional<Path> file = r.path("log.file");
    String syslog = r.string("log.syslog", "");
    if (!syslog.isEmpty() && !syslog.matches("\\[?[A-Za-z0-9.:-]+\\]?(:\\d{1,5})?")) {
      r.error("log.syslog", "must be \"host\" or \"host:port\", got \"" + syslog + "\"");
    }
    if (!syslog.isEmpty() && file.isPresent()) {
      r.error("log.syslog", "give log.file or log.syslog, not both");
    }
    String level = r.string("log.level", "info");
    if (!LEVELS.contains(level)) {
      r.error("log.level", "must be one of " + String.join(", ", LEVELS) + ", got \"" + level + "\"");
    }
    return new Log(
        format,
        file,
        r.size("log.max_size", 100L << 20, 64 << 10, 1L << 40),
        r.integer("log.keep", 10, 1, 1000),
        syslog.isEmpty() ? Optional.empty() : Optional.of(syslog),
        level);
  }

  /** The default: text lines on standard error at level info. */
  public static Log standard() {
    return new Log("text", Optional.empty(), 100L << 20, 10, Optional.empty(), "info");
  }
}
