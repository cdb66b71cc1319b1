package dev.postamt.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.LengthCounter;
import ch.qos.logback.core.rolling.LengthCounterBase;
import ch.qos.logback.core.rolling.TriggeringPolicyBase;
import dev.postamt.config.Log;
import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.LoggerFactory;

/**
 * Points the log of {@code serve} where {@code [log]} says: standard error, a size-rotated file, or
 * syslog (facility MAIL). Every text line starts with an ISO 8601 date and time with zone offset, so
 * that fail2ban-style tools and people reading a month-old file agree on when a thing happened. The file
 * and standard error are written through a buffer ({@link BufferedLog}: a line is out within 0.1 s, a
 * warning or error at once).
 */
public final class LogSetup {
  private LogSetup() {}

  public static void apply(Log log) throws IOException {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another SLF4J binding in tests: leave it alone
    }
    // only the JSON encoder writes an event's key/values; the text and syslog lines carry them in the message
    dev.postamt.events.Events.keyValues(log.format().equals("json") && (log.file().isPresent() || log.syslog().isEmpty()));
    OutputStreamAppender<ILoggingEvent> appender;
    if (log.file().isPresent()) {
      appender = rollingFile(ctx, log);
    } else if (log.syslog().isPresent()) {
      startSyslog(ctx, log);
      return;
    } else {
      appender = new BufferedLog.Stderr();
    }
    appender.setContext(ctx);
    appender.setName("postamt");
    appender.setEncoder(encoder(ctx, log));
    install(ctx, appender, log);
  }

  private static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext ctx, Log log) throws IOException {
    String file = log.file().orElseThrow().toString();
    Files.createDirectories(log.file().get().toAbsolutePath().getParent());
    RollingFileAppender<ILoggingEvent> a = new BufferedLog.File();
    a.setContext(ctx);
    a.setFile(file);
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(ctx);
    rolling.setParent(a);
    rolling.setFileNamePattern(file + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(log.keep());
    rolling.start();
    SizeBound trigger = new SizeBound(log.maxSize());
    trigger.setContext(ctx);
    trigger.start();
    a.setRollingPolicy(rolling);
    a.setTriggeringPolicy(trigger);
    return a;
  }

  /**
   * {@code [log] max_size} kept by the bytes written: logback's {@link LengthCounter} starts at the file's
   * length when the file is opened and counts every line as it goes into the buffer. {@code
   * SizeBasedTriggeringPolicy} looked at the file's length for every line instead (a {@code stat} each,
   * as it was set up here), and with the buffer the file's length lags the lines by up to 8 KiB. The line
   * that finds the bound reached rolls the file, as before.
   */
  static final class SizeBound extends TriggeringPolicyBase<ILoggingEvent> {
    private final long max;
    private final LengthCounterBase written = new LengthCounterBase();

    SizeBound(long max) {
      this.max = max;
    }

    @Override
    public LengthCounter getLengthCounter() {
      return written;
    }

    @Override
    public boolean isTriggeringEvent(java.io.File active, ILoggingEvent e) {
      if (written.getLength() < max) {
        return false;
      }
      written.reset(); // the rollover that follows opens an empty file
      return true;
    }
  }

  private static void startSyslog(LoggerContext ctx, Log log) {
    // "host", "host:port", "[v6]", "[v6]:port" or a bare IPv6 address
    var m = java.util.regex.Pattern.compile("\\[([^\\]]+)\\](?::(\\d+))?|([^:]+)(?::(\\d+))?|(.*:.*)")
        .matcher(log.syslog().orElseThrow());
    m.matches();
    String host = m.group(1) != null ? m.group(1) : m.group(3) != null ? m.group(3) : m.group(5);
    String port = m.group(2) != null ? m.group(2) : m.group(4);
    SyslogAppender a = new SyslogAppender();
    a.setContext(ctx);
    a.setName("postamt");
    a.setSyslogHost(host);
    a.setPort(port == null ? 514 : Integer.parseInt(port));
    a.setFacility("MAIL");
    a.setSuffixPattern("postamt[" + ProcessHandle.current().pid() + "]: %-5level %logger{0}: %msg");
    install(ctx, a, log);
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, Log log) {
    if (log.format().equals("json")) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(ctx);
      json.start();
      return json;
    }
    LogLine line = new LogLine(); // the text line: 2026-12-04T13:45:01.123+00:00 INFO  imap: message
    line.setContext(ctx);
    line.start();
    return line;
  }

  /**
   * Replaces the root's appenders with {@code appender}, started only once the old ones are stopped:
   * logback refuses to start a file appender on a file another one still has open, and the log would then
   * have gone silent (a reload with the same file, which reopens it, or with only the level changed).
   */
  private static void install(LoggerContext ctx, ch.qos.logback.core.Appender<ILoggingEvent> appender, Log log) {
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    appender.start();
    root.addAppender(appender);
    ctx.getLogger("dev.postamt").setLevel(Level.toLevel(log.level(), Level.INFO));
    ctx.getLogger("http").setLevel(Level.toLevel(log.level(), Level.INFO)); // the HTTP access log (web.AccessLog)
  }
}
