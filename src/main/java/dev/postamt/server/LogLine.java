package dev.postamt.server;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;

/**
 * The text log line, {@code 2026-12-04T13:45:01.123+00:00 INFO  imap: message}: byte for byte what
 * logback's pattern {@link #PATTERN} writes (in UTF-8), followed, when the event carries one, by the stack
 * trace as logback writes it after such a pattern ({@link ThrowableProxyConverter}, made at the first
 * event that has a throwable).
 *
 * <p>Written by hand rather than by logback's {@code PatternLayout}: that class registers ~70 converter
 * classes and lambdas when it is first loaded, and with its parser and converters ~150 classes were in
 * every process (and in the AOT cache, which is resident whole) for a line of four fields (issue 27,
 * idle memory).
 */
public final class LogLine extends EncoderBase<ILoggingEvent> {
  /** The logback pattern this encoder writes (the tests compare the two). */
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n";

  private final LogTime time = new LogTime();
  private volatile ThrowableProxyConverter throwables;

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    StringBuilder b = new StringBuilder(48 + (message == null ? 4 : message.length()));
    time.append(b, event.getTimeStamp());
    b.append(' ');
    String level = event.getLevel().toString();
    b.append(level);
    for (int i = level.length(); i < 5; i++) {
      b.append(' '); // %-5level
    }
    b.append(' ');
    String logger = event.getLoggerName();
    b.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": "); // %logger{0}
    b.append(message).append(CoreConstants.LINE_SEPARATOR);
    if (event.getThrowableProxy() != null) {
      b.append(throwables().convert(event));
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private ThrowableProxyConverter throwables() {
    ThrowableProxyConverter c = throwables;
    if (c == null) {
      c = new ThrowableProxyConverter();
      c.setContext(getContext());
      c.start();
      throwables = c;
    }
    return c;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
