package dev.postamt.backup;

import dev.postamt.config.Config;
import dev.postamt.sqlite.SqliteFiles;
import dev.postamt.store.StoreBackup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code postamt backup PATH [--account ADDRESS]}: one new snapshot in PATH (layout and consistency in
 * the package comment). Only reads the installation, so it runs beside the server.
 */
public final class Backup {
  /** What a backup wrote. */
  public record Report(Path snapshot, String scope, int files, int copied, int linked, long bytesCopied, int accounts) {
    public String summary() {
      return String.format(Locale.ROOT, "backup %s: %s, %d account%s, %d files (%d copied, %d bytes; %d unchanged, linked)",
          snapshot, scope, accounts, accounts == 1 ? "" : "s", files, copied, bytesCopied, linked);
    }
  }

  /**
   * Directories of the data directory a backup leaves out: sockets and locks, temp files, old restores,
   * the upgrade snapshots (local copies for {@code postamt upgrade --rollback}).
   */
  private static final Set<String> SKIPPED = Set.of("run", "tmp", "restore-saved", "upgrade");

  private Backup() {}

  /**
   * Takes a snapshot into {@code dir} (created when missing) of the whole installation, or of one
   * account's mail when {@code account} is given.
   */
  public static Report run(Config config, Path dir, Optional<String> account) throws IOException {
    Path dataDir = config.dataDir();
    if (!Files.isDirectory(dataDir)) {
      throw new IOException("data directory " + dataDir + " does not exist: nothing to back up");
    }
    if (Snapshots.isSnapshot(dir)) {
      throw new IOException(dir + " is one snapshot of a backup; give the backup directory that holds it");
    }
    Path home = null;
    if (account.isPresent()) {
      home = dev.postamt.store.UserHome.of(config, account.get());
      if (!Files.isDirectory(home)) {
        throw new IOException("account " + account.get() + " has no mail here (" + home + ")");
      }
    }
    Files.createDirectories(dir);
    Optional<Path> previous = Snapshots.latest(dir);
    Path snap = Snapshots.create(dir, Instant.now());
    SnapshotWriter w = new SnapshotWriter(snap, previous);
    Path data = Files.createDirectories(snap.resolve("data"));
    int accounts;
    String scope;
    if (home != null) {
      scope = "account " + account.get().toLowerCase(Locale.ROOT);
      StoreBackup.copyHome(home, data.resolve(StoreBackup.relativeHome(account.get())), w);
      accounts = 1;
    } else {
      scope = "whole installation";
      copyConfig(config, snap, w);
      // The queue before the mail: a message delivered in between is then in both, never in neither.
      copyTree(dataDir.resolve("queue"), data.resolve("queue"), w);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dataDir)) {
        for (Path p : sorted(ds)) {
          String n = p.getFileName().toString();
          if (!n.equals("queue") && !n.equals("mail") && !SKIPPED.contains(n)) {
            copyTree(p, data.resolve(n), w);
          }
        }
      }
      // the homes go to data/mail/<domain>/<user> in the backup wherever [store] mail_dir puts them
      Map<String, Path> homes = StoreBackup.homesIn(config.mailDir());
      for (Path h : homes.values()) {
        StoreBackup.copyHome(h, data.resolve("mail").resolve(config.mailDir().relativize(h).toString()), w);
      }
      accounts = homes.size();
      // After the mail: a message delivered meanwhile may have an index row without its file, which the
      // store drops when it reconciles after a restore; it was not in the backup's mail anyway.
      if (config.database().postgres().isPresent()) {
        Path dump = snap.resolve(PgDump.FILE);
        PgDump.dump(config.database().postgres().get(), dump);
        w.written(dump);
        scope += " with PostgreSQL " + config.database().postgres().get().display();
      }
    }
    Path info = snap.resolve("backup.info");
    Files.writeString(info, "created=" + Instant.now() + "\nscope=" + scope + "\naccounts=" + accounts
        + "\nsource=" + dataDir.toAbsolutePath() + "\nhostname=" + config.hostname() + "\n", StandardCharsets.UTF_8);
    w.written(info);
    new Manifest(w.entries).write(snap);
    return new Report(snap, scope, w.entries.size(), w.copied, w.linked, w.bytes, accounts);
  }

  /** The config file and the TLS files it names outside the data directory. */
  private static void copyConfig(Config config, Path snap, SnapshotWriter w) throws IOException {
    Path source = config.source();
    if (source != null && Files.isRegularFile(source)) {
      w.copy(source, snap.resolve("config").resolve(source.getFileName().toString()));
    }
    List<Path> tls = new ArrayList<>();
    config.tls().certificate().ifPresent(tls::add);
    config.tls().privateKey().ifPresent(tls::add);
    Path data = config.dataDir().toAbsolutePath().normalize();
    for (Path f : tls) {
      Path abs = f.toAbsolutePath().normalize();
      if (!abs.startsWith(data) && Files.isRegularFile(abs)) {
        w.copy(abs, snap.resolve("external").resolve(abs.getFileName().toString()));
      }
    }
  }

  private static List<Path> sorted(DirectoryStream<Path> ds) {
    List<Path> out = new ArrayList<>();
    ds.forEach(out::add);
    out.sort(null);
    return out;
  }

  /**
   * Copies a tree of the data directory: SQLite databases as snapshots, other files as they are,
   * leaving out their side files, {@code tmp/} and the queue's {@code incoming/} (not yet acknowledged).
   */
  private static void copyTree(Path source, Path target, SnapshotWriter w) throws IOException {
    String n = source.getFileName().toString();
    if (n.endsWith("-wal") || n.endsWith("-shm") || n.endsWith("-journal") || n.endsWith(".lock")) {
      return;
    }
    if (Files.isDirectory(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(target);
      if (n.equals("tmp") || n.equals("incoming")) {
        return;
      }
      List<Path> children;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(source)) {
        children = sorted(ds);
      }
      for (Path p : children) {
        copyTree(p, target.resolve(p.getFileName().toString()), w);
      }
    } else if (Files.isRegularFile(source, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        if (isSqlite(source)) {
          try {
            SqliteFiles.snapshot(source, target);
          } catch (SQLException e) {
            throw new IOException("cannot copy the database " + source + ": " + e.getMessage(), e);
          }
          w.written(target);
        } else {
          w.copy(source, target);
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        Files.deleteIfExists(target); // removed meanwhile (a queue file after delivery)
      }
    }
  }

  private static boolean isSqlite(Path f) throws IOException {
    String n = f.getFileName().toString();
    if (!n.endsWith(".db") && !n.endsWith(".sqlite")) {
      return false;
    }
    try (InputStream in = Files.newInputStream(f)) {
      byte[] head = in.readNBytes(16);
      return new String(head, StandardCharsets.ISO_8859_1).equals("SQLite format 3\0");
    }
  }
}
