package dev.postamt.cli;

import dev.postamt.server.LogSetup;
import dev.postamt.server.Server;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", description = "Run every configured service in the foreground.")
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  /**
   * {@code serve} as {@link Main#plainServe} runs it, without picocli: the same work, and a failure as the
   * same one line on {@code err} with the same exit status as through picocli.
   *
   * @param configFile the {@code --config} file, null for the default
   */
  static int serve(String configFile, java.io.PrintWriter err) {
    ServeCommand serve = new ServeCommand();
    serve.config = new ConfigOption();
    try {
      serve.config.file = configFile == null ? null : java.nio.file.Path.of(configFile);
      return serve.call();
    } catch (Exception e) {
      return Main.failed(e, err);
    }
  }

  @Override
  public Integer call() throws Exception {
    Server server;
    dev.postamt.config.Config cfg;
    // SIGHUP reloads, as for Postfix and Dovecot. The handler is in place before the server takes the data
    // directory's lock, by which `postamt reload` finds it (and signals it until the control socket is
    // open): the JVM's default for SIGHUP is to shut down, so a reload asked for while the server was still
    // starting ended it. During the start there is nothing to reload yet (the start reads the config
    // itself), which the log says.
    java.util.concurrent.atomic.AtomicReference<Server> started = new java.util.concurrent.atomic.AtomicReference<>();
    sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
      Server s = started.get();
      if (s != null) {
        Thread.ofVirtual().start(s::reload);
      } else {
        org.slf4j.LoggerFactory.getLogger(ServeCommand.class).warn("reload: not done, the server is still starting"
            + " (it reads its configuration, maps and certificates as it starts)");
      }
    });
    try {
      cfg = config.load();
      LogSetup.apply(cfg.log());
      if (before == sun.misc.SignalHandler.SIG_IGN) { // the JVM leaves an ignored SIGHUP ignored (nohup)
        org.slf4j.LoggerFactory.getLogger(ServeCommand.class).warn("SIGHUP is ignored in this process (started under"
            + " nohup?): kill -HUP does not reload it; postamt reload does, through the control socket");
      }
      tellJettyTheReferenceSize();
      server = Server.start(cfg);
      started.set(server);
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
    collectAfterStart(running);
    server.awaitShutdown();
    return 0;
  }

  /**
   * Once what the start left to the background is built (the content scan's rules and databases, up to a
   * minute), one full collection: the start's garbage goes, and G1 gives back the heap the start grew
   * beyond what is live (the launcher's {@code -XX:MinHeapSize} is below its {@code InitialHeapSize}), at
   * once instead of at its first periodic collection 10–20 s later (issue 27, idle memory: ~4 MB of
   * anonymous memory, bench/README.md 2026-12-06). One pause of ~20–50 ms, seconds after the banner;
   * {@code -XX:+DisableExplicitGC} turns it off. Only here, in the server's own process: tests start
   * servers inside a JVM whose heap is theirs.
   */
  private static void collectAfterStart(Server running) {
    Thread.ofPlatform().daemon().name("start-collect").start(() -> {
      if (running.awaitBackgroundStart(java.time.Duration.ofMinutes(1))) {
        System.gc();
      }
    });
  }

  /**
   * Jetty's {@code MemoryUtils} asks the platform MBean server whether object references are
   * compressed (to pad its counters to a cache line); starting that server loads ~200 classes of JMX
   * and JFR diagnostic commands before the banner (issue 27). HotSpot says so itself: it sets {@code
   * java.vm.compressedOopsMode} only when references are compressed (4 bytes, 16 to a 64-byte line;
   * otherwise 8), which is the answer Jetty would get. It only tunes padding; an operator's own setting wins.
   */
  static void tellJettyTheReferenceSize() {
    String key = "org.eclipse.jetty.util.referencesPerCacheLine";
    if (System.getProperty(key) == null) {
      System.setProperty(key, System.getProperty("java.vm.compressedOopsMode") != null ? "16" : "8");
    }
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
