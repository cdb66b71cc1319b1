package dev.postamt.admin;

import dev.postamt.backup.Backup;
import dev.postamt.backup.Restore;
import dev.postamt.backup.Verify;
import dev.postamt.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code postamt backup PATH [--account ADDRESS]}, {@code backup verify PATH} and {@code restore PATH
 * [--account ADDRESS]}; the work is in {@code dev.postamt.backup}. Backup runs beside the server,
 * restore only while it is stopped.
 */
public final class BackupAdmin {
  private final Config config;

  BackupAdmin(Config config) {
    this.config = config;
  }

  public Backup.Report backup(Path dir, Optional<String> account) {
    refuseAccountWithBlobsInDatabase("backup", account);
    try {
      return Backup.run(config, dir, account);
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /**
   * One account's backup is its home directory; with {@code [store] blobs = "postgresql"} its messages are
   * not there but in the database, which only the whole installation's backup holds ({@code pg_dump}).
   */
  private void refuseAccountWithBlobsInDatabase(String what, Optional<String> account) {
    if (account.isPresent() && config.store().blobsInDatabase()) {
      throw new AdminException(what + " --account copies an account's Maildir files, but with [store] blobs ="
          + " \"postgresql\" the messages are in the database: " + what + " the whole installation (its PostgreSQL"
          + " dump holds every message), or use postamt export/import for one account");
    }
  }

  /** Every snapshot checked; the first bad file is the failure, naming snapshot and file. */
  public List<Verify.Result> verify(Path path) {
    List<Verify.Result> results;
    try {
      results = Verify.run(path);
    } catch (IOException e) {
      throw AdminException.of(e);
    }
    for (Verify.Result r : results) {
      if (r.firstBad().isPresent()) {
        throw new AdminException("backup verify: " + r.snapshot() + "/" + r.firstBad().get());
      }
    }
    return results;
  }

  public Restore.Report restore(Path path, Optional<String> account) {
    refuseAccountWithBlobsInDatabase("restore", account);
    try {
      return Restore.run(config, path, account);
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }
}
