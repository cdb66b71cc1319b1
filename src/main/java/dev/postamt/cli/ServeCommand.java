package dev.postamt.cli;

import dev.postamt.server.LogSetup;
import dev.postamt.server.Server;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", description = "Run every configured service in the foreground.")
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    Server server;
    dev.postamt.config.Config cfg;
    try {
      cfg = config.load();
      LogSetup.apply(cfg.log());
      server = Server.start(cfg);
      logPostmaster(cfg);
    } catch (java.io.IOException e) {
      throw new CliException(e.getMessage());
    }
    Server running = server;
    AutoCloseable reports = ReportsCommand.startService(cfg, running);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ReportsCommand.closeQuietly(reports);
      running.close();
    }, "shutdown"));
    // SIGHUP reloads, as for Postfix and Dovecot (the JVM's default would shut down).
    sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().start(server::reload));
    server.awaitShutdown();
    return 0;
  }

  /** Where postmaster mail goes (RFC 5321 §4.5.1), once at start-up; the server runs on regardless. */
  private static void logPostmaster(dev.postamt.config.Config cfg) {
    var log = org.slf4j.LoggerFactory.getLogger(ServeCommand.class);
    try {
      log.info("{}", new dev.postamt.admin.Admin(cfg).postmaster());
    } catch (RuntimeException e) {
      log.warn("postmaster: cannot tell where its mail goes: {}", e.getMessage());
    }
  }
}
