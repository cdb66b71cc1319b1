package dev.postamt.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * The logging every command starts with, set up in code: logback finds this class through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator} and so never reads an XML file (its
 * XML configurator and the JDK's XML parser cost ~500 classes and ~0.3 s of start-up, issue 27).
 *
 * <p>Lines go to standard error as {@link LogLine} writes them; {@code dev.postamt} and {@code http} log at
 * {@code -Dpostamt.log.level} (default INFO), everything else at {@code -Dpostamt.log.root} (default
 * WARN). {@code serve} then replaces this with what {@code [log]} says ({@link LogSetup#apply}). Someone
 * who sets {@code -Dlogback.configurationFile} still gets that file: this configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogDefaults extends ContextAwareBase implements Configurator {
  /** Public and without arguments: {@link java.util.ServiceLoader} makes it. */
  public LogDefaults() {}

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY; // an explicit file wins, as with logback's own order
    }
    // logback's own start-up notes stay quiet, as the XML's NopStatusListener had them
    ctx.getStatusManager().add(new NopStatusListener());
    LogLine encoder = new LogLine();
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
    err.setContext(ctx);
    err.setName("ERR");
    err.setTarget("System.err");
    err.setEncoder(encoder);
    err.start();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level("postamt.log.root", Level.WARN));
    root.addAppender(err);
    Level level = level("postamt.log.level", Level.INFO);
    ctx.getLogger("dev.postamt").setLevel(level);
    ctx.getLogger("http").setLevel(level);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Level level(String property, Level fallback) {
    String value = System.getProperty(property);
    return value == null ? fallback : Level.toLevel(value, fallback);
  }
}
