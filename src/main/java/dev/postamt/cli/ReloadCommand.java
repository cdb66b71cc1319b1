package dev.postamt.cli;

import picocli.CommandLine.Command;

/** {@code postamt reload}: what {@code kill -HUP} does, found by the data directory's lock. */
@Command(name = "reload", description = "Re-read config, maps and certificates in the running server (as SIGHUP does).")
final class ReloadCommand extends AdminCommand {
  @Override
  public Integer call() throws Exception {
    dev.postamt.admin.RunningServer.Reload r = admin().server().requestReload();
    if (r.report().isEmpty()) {
      return print("reload requested from postamt serve (pid " + r.pid() + "); its log says what was reloaded");
    }
    StringBuilder out = new StringBuilder("reloaded by postamt serve (pid " + r.pid() + ")");
    for (String line : r.report().get()) {
      out.append("\n  ").append(line);
    }
    return print(out.toString());
  }
}
