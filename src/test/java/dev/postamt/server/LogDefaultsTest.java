package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.LoggerFactory;

/** The start-up logging set up in code, without XML (issue 27 item 2): what logback.xml said before. */
@Isolated // resets the process-wide logging set-up
class LogDefaultsTest {
  @AfterEach
  void restore() throws Exception {
    System.clearProperty("postamt.log.level");
    System.clearProperty("postamt.log.root");
    reconfigure();
  }

  private static LoggerContext reconfigure() throws Exception {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.reset();
    new ContextInitializer(ctx).autoConfig();
    return ctx;
  }

  @Test
  void standardErrorInTheDatedPatternAtInfoForUsAndWarnForLibraries() throws Exception {
    LoggerContext ctx = reconfigure();
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
    assertThat(ctx.getLogger("dev.postamt").getLevel()).isEqualTo(Level.INFO);
    assertThat(ctx.getLogger("http").getLevel()).isEqualTo(Level.INFO);
    assertThat(ctx.getLogger("org.eclipse.jetty.server").getEffectiveLevel()).isEqualTo(Level.WARN);
    var appender = (ConsoleAppender<ILoggingEvent>) root.getAppender("ERR");
    assertThat(appender).isNotNull();
    assertThat(appender.isStarted()).isTrue();
    assertThat(appender.getTarget()).isEqualTo("System.err");
    assertThat(appender.getEncoder()).isInstanceOf(LogLine.class);
  }

  @Test
  void levelsComeFromTheSystemPropertiesAsBefore() throws Exception {
    System.setProperty("postamt.log.level", "WARN"); // what cli.Main sets for admin commands
    System.setProperty("postamt.log.root", "ERROR");
    LoggerContext ctx = reconfigure();
    assertThat(ctx.getLogger("dev.postamt").getLevel()).isEqualTo(Level.WARN);
    assertThat(ctx.getLogger("http").getLevel()).isEqualTo(Level.WARN);
    assertThat(ctx.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.ERROR);
  }
}
