package dev.postamt.cli;

import picocli.CommandLine.Command;

/** {@code postamt reload}: what {@code kill -HUP} does, found by the data directory's lock. */
@Command(name = "reload", description = "Re-read config, maps and certificates in the running server (as SIGHUP does).")
final class ReloadCommand extends AdminCommand {
  @Override
  public Integer call() throws Exception {
    long pid = admin().requestReload();
    return print("reload requested from postamt serve (pid " + pid + "); its log says what was reloaded");
  }
}
