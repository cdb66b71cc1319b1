package dev.postamt.cli;

import dev.postamt.config.Config;
import dev.postamt.server.Server;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code postamt reload}: what {@code kill -HUP} does, found by the data directory's lock. */
@Command(name = "reload", description = "Re-read config, maps and certificates in the running server (as SIGHUP does).")
final class ReloadCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Config c = config.load();
    long pid =
        Server.runningPid(c)
            .orElseThrow(() -> new CliException("no postamt serve is running on data directory " + c.dataDir()));
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes()).trim();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new CliException("cannot signal postamt serve (pid " + pid + "): " + out);
    }
    spec.commandLine().getOut().println("reload requested from postamt serve (pid " + pid + "); its log says what was reloaded");
    return 0;
  }
}
