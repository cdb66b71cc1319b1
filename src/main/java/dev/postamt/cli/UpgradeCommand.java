package dev.postamt.cli;

import dev.postamt.upgrade.Upgrade;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code postamt upgrade [--rollback]}: snapshot the data directory's databases and migrate them now, or
 * put the newest snapshot back; the work is {@link Upgrade}. Not an {@link AdminCommand}: those make
 * the upgrade check before they run, which a rollback must not.
 */
@Command(name = "upgrade", description = "Snapshot the databases and run every schema migration now (server stopped);"
    + " with --rollback, put back the databases of the latest upgrade snapshot.")
final class UpgradeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--rollback", description = "restore the databases and VERSION of the latest upgrade snapshot")
  boolean rollback;

  @Override
  public Integer call() {
    Path dataDir = config.load().dataDir();
    var out = spec.commandLine().getOut();
    try {
      if (rollback) {
        Upgrade.Rollback r = Upgrade.rollback(dataDir);
        out.println("rolled back " + r.snapshot().to() + " -> " + r.snapshot().from() + ": " + r.restored().size()
            + " database file(s) restored from " + r.snapshot().dir());
        r.restored().forEach(f -> out.println("  restored " + f));
        out.println("the files they replaced are kept there as *.rolled-back (" + r.movedAside().size() + " moved)");
        out.println("mail delivered since the upgrade stays in the Maildirs and is indexed again when its account opens;"
            + " flags and folder changes made since then are as they were at the snapshot");
        out.println("now install postamt " + r.snapshot().from() + " and start it");
        return 0;
      }
      Upgrade.Report r = Upgrade.run(dataDir);
      out.println(r.snapshot().map(Upgrade.Snapshot::summary)
          .orElse("data directory " + dataDir + " is at version " + r.version() + ": no snapshot needed"));
      out.println("databases at version " + r.version() + ": directory and " + r.accounts() + " account(s) opened and migrated");
      return 0;
    } catch (IOException e) {
      throw new CliException(e.getMessage());
    }
  }
}
