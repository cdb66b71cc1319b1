package dev.postamt.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.Admin;
import dev.postamt.ban.BanList;
import dev.postamt.config.Config;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.testing.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code [database] url}, a whole backup holds the PostgreSQL state ({@code postgresql.dump}) beside
 * the files, and a whole restore puts it back: over changed state in the same database, and into an empty
 * database of a fresh installation (the dump carries the tables' definitions).
 */
class PgBackupRestoreTest {
  @TempDir Path dir;

  private Config config(String name, String url) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Path f = d.resolve("postamt.toml");
    Files.writeString(f, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n[database]\nurl = \"" + url + "\"\n");
    return Config.load(f, true);
  }

  @Test
  void theDatabaseIsBackedUpWithTheFilesAndRestoredWholeIntoTheSameOrAnEmptyDatabase() throws Exception {
    PgCluster pg = PgCluster.get();
    String url = pg.url(pg.freshDatabase().postgres().orElseThrow().database());
    Config a = config("a", url);
    Files.createDirectories(a.dataDir());
    Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
    try (BanList bans = BanList.open(a); SieveScripts sieve = SieveScripts.open(a)) {
      bans.put(new BanList.Entry("192.0.2.7", t0, Optional.empty(), "kept", 1));
      sieve.put("alice@example.test", "mine", "keep;\n");
      sieve.activate("alice@example.test", "mine");
    }
    Path backups = dir.resolve("backups");
    Backup.Report r = new Admin(a).backups().backup(backups, Optional.empty());
    assertThat(r.snapshot().resolve(PgDump.FILE)).isRegularFile();
    assertThat(r.scope()).contains("PostgreSQL");
    assertThat(new Admin(a).backups().verify(backups)).hasSize(1);

    // the state changes after the backup; a whole restore brings back the backed-up state
    try (BanList bans = BanList.open(a); SieveScripts sieve = SieveScripts.open(a)) {
      bans.remove("192.0.2.7");
      bans.put(new BanList.Entry("198.51.100.1", t0, Optional.empty(), "later", 1));
      sieve.put("alice@example.test", "mine", "discard;\n");
    }
    Restore.Report restored = new Admin(a).backups().restore(backups, Optional.empty());
    assertThat(restored.notes()).anyMatch(n -> n.contains("PostgreSQL state was restored"));
    try (BanList bans = BanList.open(a); SieveScripts sieve = SieveScripts.open(a)) {
      assertThat(bans.all()).extracting(BanList.Entry::network).containsExactly("192.0.2.7");
      assertThat(sieve.active("alice@example.test").orElseThrow().text()).isEqualTo("keep;\n");
    }

    // a fresh installation with an empty database
    Config b = config("b", pg.url(pg.freshDatabase().postgres().orElseThrow().database()));
    new Admin(b).backups().restore(backups, Optional.empty());
    try (BanList bans = BanList.open(b); SieveScripts sieve = SieveScripts.open(b)) {
      assertThat(bans.all()).extracting(BanList.Entry::reason).containsExactly("kept");
      assertThat(sieve.active("alice@example.test").orElseThrow().name()).isEqualTo("mine");
      // the restored tables take new rows as the owners' own would (sequences and keys came along)
      bans.put(new BanList.Entry("203.0.113.9", t0, Optional.empty(), "new", 1));
      assertThat(bans.all()).hasSize(2);
    }
  }

  @Test
  void aRestoreWithoutDatabaseUrlSaysWhereTheDumpIs() throws Exception {
    PgCluster pg = PgCluster.get();
    Config a = config("a", pg.url(pg.freshDatabase().postgres().orElseThrow().database()));
    Files.createDirectories(a.dataDir());
    try (BanList bans = BanList.open(a)) {
      bans.put(new BanList.Entry("192.0.2.7", Instant.now(), Optional.empty(), "kept", 1));
    }
    Path backups = dir.resolve("backups");
    new Admin(a).backups().backup(backups, Optional.empty());
    Path d = Files.createDirectories(dir.resolve("c"));
    Files.writeString(d.resolve("postamt.toml"), "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n");
    Restore.Report r = new Admin(Config.load(d.resolve("postamt.toml"), true)).backups().restore(backups, Optional.empty());
    assertThat(r.notes()).anyMatch(n -> n.contains("[database] url is not set here") && n.contains("pg_restore"));
  }
}
