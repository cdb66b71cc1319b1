package dev.postamt.cli;

import dev.postamt.backup.Backup;
import dev.postamt.backup.Restore;
import dev.postamt.backup.Verify;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt backup PATH [--account ADDRESS]}, {@code postamt backup verify PATH} and {@code postamt
 * restore PATH [--account ADDRESS]}; the logic is {@link dev.postamt.admin.BackupAdmin}.
 */
@Command(
    name = "backup",
    description = "Take an online backup of the whole installation or one account into a directory"
        + " (a new snapshot in it each time, unchanged files hard-linked to the previous one).",
    subcommands = {BackupCommand.VerifyBackup.class})
final class BackupCommand extends AdminCommand {
  // Optional for picocli, so that "backup verify PATH" is not refused for the parent's missing PATH.
  @Parameters(paramLabel = "PATH", arity = "0..1", description = "backup directory (created when missing)")
  Path path;

  @Option(names = "--account", paramLabel = "ADDRESS", description = "back up only this user's mail")
  String account;

  @Override
  public Integer call() {
    if (path == null) {
      throw new CliException("backup needs a PATH: postamt backup PATH [--account ADDRESS]");
    }
    Backup.Report r = admin().backups().backup(path, Optional.ofNullable(account));
    return print(r.summary());
  }

  @Command(name = "verify", description = "Re-hash every file of a backup against its manifest; exit 1 naming the first bad file.")
  static final class VerifyBackup extends AdminCommand {
    @Parameters(paramLabel = "PATH", description = "a backup directory, or one snapshot in it")
    Path path;

    @Override
    public Integer call() {
      int files = 0;
      var results = admin().backups().verify(path);
      for (Verify.Result r : results) {
        out().println("ok " + r.snapshot() + " (" + r.files() + " files)");
        files += r.files();
      }
      return print("backup verify: " + results.size() + " snapshot(s), " + files + " files, all match");
    }
  }

  @Command(name = "restore", description = "Restore a backup (its newest snapshot, or the one given) into this"
      + " installation while its server is stopped; what it replaces is moved aside.")
  static final class RestoreBackup extends AdminCommand {
    @Parameters(paramLabel = "PATH", description = "a backup directory, or one snapshot in it")
    Path path;

    @Option(names = "--account", paramLabel = "ADDRESS", description = "restore only this user's mail")
    String account;

    @Override
    public Integer call() {
      Restore.Report r = admin().backups().restore(path, Optional.ofNullable(account));
      out().println("restored " + r.scope() + " from " + r.snapshot() + ": " + r.files() + " files");
      r.movedAside().ifPresent(p -> out().println("what was there before is kept in " + p));
      return print(r.notes());
    }
  }
}
