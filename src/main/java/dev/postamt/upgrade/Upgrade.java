package dev.postamt.upgrade;

import dev.postamt.config.DataDirLock;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.store.MailStore;
import dev.postamt.store.SqliteMailStore;
import dev.postamt.store.StoreBackup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Snapshot before a different build opens the data directory, {@code postamt upgrade} and {@code
 * postamt upgrade --rollback} (layout and failure behaviour in the package comment). Every failure is an
 * {@link IOException} with a one-line message for the operator.
 */
public final class Upgrade {
  /** What a snapshot holds: where, from which version to which, and how many SQLite files. */
  public record Snapshot(Path dir, String from, String to, int databases) {
    public String summary() {
      return "upgrade " + from + " -> " + to + ": snapshot of " + databases + " database file"
          + (databases == 1 ? "" : "s") + " in " + dir;
    }
  }

  /** What {@code postamt upgrade} did. */
  public record Report(Optional<Snapshot> snapshot, String version, int accounts) {}

  /** What a rollback did. */
  public record Rollback(Snapshot snapshot, List<String> restored, List<String> movedAside) {}

  private Upgrade() {}

  /**
   * The check before the server opens anything: when {@code VERSION} differs from this build (or is
   * missing while the data directory holds databases), snapshots every SQLite file first; then records
   * this build's version. The caller holds the data directory's lock, so the files are copied byte for
   * byte.
   *
   * @return the snapshot taken, if one was
   */
  public static Optional<Snapshot> beforeServe(Path dataDir) throws IOException {
    return check(dataDir, DataDirVersion.current());
  }

  /**
   * The same check before an admin command opens state. While a server runs it does nothing: that
   * server's start made the check, and the data directory is at its version.
   */
  public static Optional<Snapshot> beforeAdmin(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir) || DataDirLock.runningServer(dataDir).isPresent()) {
      return Optional.empty(); // nothing there yet, or the running server owns the version
    }
    return check(dataDir, DataDirVersion.current());
  }

  static Optional<Snapshot> check(Path dataDir, String current) throws IOException {
    Files.createDirectories(dataDir);
    Optional<String> recorded = DataDirVersion.read(dataDir);
    if (recorded.isPresent() && recorded.get().equals(current)) {
      return Optional.empty();
    }
    Optional<Snapshot> taken = Optional.empty();
    if (!UpgradeSnapshot.sqliteFiles(dataDir).isEmpty()) {
      UpgradeSnapshot s;
      try {
        s = UpgradeSnapshot.take(dataDir, recorded.orElse("unknown"), current);
      } catch (IOException e) {
        throw new IOException("cannot take the upgrade snapshot of " + dataDir + " (nothing was opened or changed): "
            + e.getMessage(), e);
      }
      taken = Optional.of(describe(s));
    }
    DataDirVersion.write(dataDir, current); // only after the snapshot's manifest
    return taken;
  }

  /**
   * {@code postamt upgrade}: the check, then opens the directory and every account's mail index once,
   * so that their schema migrations (and the store's pick-up of message files it does not know) run
   * now rather than at the first use. Refused while a server runs.
   */
  public static Report run(Path dataDir) throws IOException {
    refuseWhileServing(dataDir, "upgrade");
    if (!Files.isDirectory(dataDir)) {
      throw new IOException("data directory " + dataDir + " does not exist: nothing to upgrade");
    }
    Optional<Snapshot> s = check(dataDir, DataDirVersion.current());
    try (Directory dir = Directory.open(dataDir)) {
      dir.domains(); // opened and migrated
    } catch (DirectoryException e) {
      throw new IOException("cannot open the directory of " + dataDir + ": " + e.getMessage(), e);
    }
    var homes = StoreBackup.homes(dataDir);
    try (MailStore store = new SqliteMailStore(dataDir)) {
      for (String user : homes.keySet()) {
        try (var account = store.open(user)) {
          account.mailboxes();
        } catch (RuntimeException e) {
          throw new IOException("cannot open the mail index of " + user + ": " + e.getMessage(), e);
        }
      }
    }
    return new Report(s, DataDirVersion.current(), homes.size());
  }

  /**
   * {@code postamt upgrade --rollback}: puts the SQLite files of the newest snapshot back and restores
   * {@code VERSION} to the version it was taken from. The data directory's current SQLite files (with
   * their {@code -wal}, {@code -shm} and {@code -journal}) go to {@code files/<path>.rolled-back} in
   * the snapshot, those without a counterpart there too: an older build must never meet a schema newer
   * than it knows. Message files stay; the store indexes the unknown ones on open.
   */
  public static Rollback rollback(Path dataDir) throws IOException {
    refuseWhileServing(dataDir, "upgrade --rollback");
    UpgradeSnapshot s = UpgradeSnapshot.latest(dataDir).orElseThrow(() ->
        new IOException("no upgrade snapshot in " + dataDir.resolve(UpgradeSnapshot.DIR) + ": nothing to roll back"));
    if (s.rolledBack()) {
      throw new IOException("the latest upgrade snapshot " + s.dir() + " was already rolled back (to " + s.from() + ")");
    }
    Optional<String> bad = s.firstBad();
    if (bad.isPresent()) {
      throw new IOException("upgrade snapshot " + s.dir() + " is damaged, nothing changed: " + bad.get());
    }
    Path files = s.dir().resolve("files");
    List<String> aside = new ArrayList<>();
    for (String rel : UpgradeSnapshot.sqliteFiles(dataDir)) {
      for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
        moveAside(dataDir, files, rel + suffix, aside);
      }
    }
    List<String> restored = new ArrayList<>();
    for (String entry : s.files().keySet()) {
      String rel = entry.substring("files/".length());
      Path target = dataDir.resolve(rel);
      Files.createDirectories(target.getParent());
      if (!rel.endsWith("-wal")) { // an orphaned side file must never be paired with the restored file
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
          moveAside(dataDir, files, rel + suffix, aside);
        }
      }
      UpgradeSnapshot.copy(s.dir().resolve(entry), target);
      restored.add(rel);
    }
    if (s.from().equals("unknown")) {
      Path version = dataDir.resolve(DataDirVersion.FILE);
      if (Files.exists(version)) {
        Files.move(version, s.dir().resolve(DataDirVersion.FILE + UpgradeSnapshot.ASIDE), StandardCopyOption.REPLACE_EXISTING);
      }
    } else {
      DataDirVersion.write(dataDir, s.from());
    }
    Files.writeString(s.dir().resolve(UpgradeSnapshot.ROLLED_BACK), "at=" + Instant.now() + "\n", StandardCharsets.UTF_8);
    return new Rollback(describe(s), restored, aside);
  }

  /** Moves {@code data_dir/rel}, when there, to {@code files/rel.rolled-back} (numbered when taken). */
  private static void moveAside(Path dataDir, Path files, String rel, List<String> aside) throws IOException {
    Path current = dataDir.resolve(rel);
    if (!Files.exists(current)) {
      return;
    }
    Path target = files.resolve(rel + UpgradeSnapshot.ASIDE);
    for (int i = 2; Files.exists(target); i++) {
      target = files.resolve(rel + UpgradeSnapshot.ASIDE + "." + i);
    }
    Files.createDirectories(target.getParent());
    Files.move(current, target, StandardCopyOption.ATOMIC_MOVE);
    aside.add(rel);
  }

  private static void refuseWhileServing(Path dataDir, String what) throws IOException {
    OptionalLong pid = DataDirLock.runningServer(dataDir);
    if (pid.isPresent()) {
      throw new IOException("postamt serve is running on data directory " + dataDir + " (pid " + pid.getAsLong()
          + "); stop it before " + what);
    }
  }

  private static Snapshot describe(UpgradeSnapshot s) {
    int dbs = (int) s.files().keySet().stream().filter(k -> !k.endsWith("-wal")).count();
    return new Snapshot(s.dir(), s.from(), s.to(), dbs);
  }
}
