package dev.postamt.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.cli.Main;
import dev.postamt.config.Config;
import dev.postamt.server.Server;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory last opened by an older release (VERSION 0.0.1, directory.db at schema version 2) is
 * snapshotted before this build migrates it, and {@code postamt upgrade --rollback} gives the old file
 * back byte for byte.
 */
class UpgradeTest {
  @TempDir Path tmp;
  private Path cfg;
  private Path data;

  @BeforeEach
  void oldInstallation() throws Exception {
    Files.writeString(tmp.resolve("zone.txt"), "");
    cfg = tmp.resolve("postamt.toml");
    Files.writeString(cfg, """
        hostname = "mx.example.test"
        data_dir = "data"
        [dns]
        zone_file = "zone.txt"
        [listen]
        smtp = "127.0.0.1:0"
        """);
    data = tmp.resolve("data");
    Files.createDirectories(data);
    // directory.db exactly as schema version 2 made it (see DirectoryMigrationTest)
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("directory.db"));
        Statement st = c.createStatement()) {
      for (String sql : List.of(
          "CREATE TABLE domains (name TEXT PRIMARY KEY, created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))",
          "CREATE TABLE users (address TEXT PRIMARY KEY, domain TEXT NOT NULL REFERENCES domains(name),"
              + " password TEXT NOT NULL, created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')), scram TEXT)",
          "CREATE INDEX users_domain ON users(domain)",
          "CREATE TABLE aliases (address TEXT NOT NULL, domain TEXT NOT NULL REFERENCES domains(name),"
              + " position INTEGER NOT NULL, target TEXT NOT NULL, PRIMARY KEY (address, target))",
          "CREATE INDEX aliases_domain ON aliases(domain)",
          "INSERT INTO domains(name) VALUES ('old.example')",
          "PRAGMA user_version = 2")) {
        st.execute(sql);
      }
    }
    Files.writeString(data.resolve("VERSION"), "0.0.1\n");
  }

  private record Run(int status, String out, String err) {}

  private Run postamt(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = Stream.concat(Stream.of(args), Stream.of("--config", cfg.toString())).toArray(String[]::new);
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    return new Run(status, out.toString(), err.toString());
  }

  private int schemaVersion() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("directory.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
      return rs.getInt(1);
    }
  }

  private static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  private String version() throws Exception {
    return Files.readString(data.resolve("VERSION"), StandardCharsets.UTF_8).strip();
  }

  private List<Path> snapshots() throws Exception {
    Path root = data.resolve("upgrade");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.toList();
    }
  }

  @Test
  void upgradeSnapshotsMigratesAndRollbackRestoresTheOldFileByteForByte() throws Exception {
    String before = sha256(data.resolve("directory.db"));

    Run up = postamt("upgrade");
    assertThat(up.status()).as(up.err()).isZero();
    assertThat(up.out()).contains("upgrade 0.0.1 -> " + DataDirVersion.current()).contains("1 database file");
    List<Path> snaps = snapshots();
    assertThat(snaps).hasSize(1);
    assertThat(snaps.getFirst().getFileName().toString()).startsWith("0.0.1-to-" + DataDirVersion.current() + "-");
    assertThat(sha256(snaps.getFirst().resolve("files/directory.db"))).isEqualTo(before);
    assertThat(schemaVersion()).isGreaterThan(2);
    assertThat(version()).isEqualTo(DataDirVersion.current());
    assertThat(postamt("domain", "list").out()).contains("old.example"); // the data came along

    Run again = postamt("upgrade"); // same version: nothing to snapshot
    assertThat(again.status()).isZero();
    assertThat(again.out()).contains("no snapshot needed");
    assertThat(snapshots()).hasSize(1);

    Run back = postamt("upgrade", "--rollback");
    assertThat(back.status()).as(back.err()).isZero();
    assertThat(back.out()).contains("install postamt 0.0.1").contains("indexed again");
    assertThat(sha256(data.resolve("directory.db"))).isEqualTo(before);
    assertThat(schemaVersion()).isEqualTo(2);
    assertThat(version()).isEqualTo("0.0.1");
    assertThat(snaps.getFirst().resolve("files/directory.db.rolled-back")).exists(); // kept, not deleted

    Run twice = postamt("upgrade", "--rollback");
    assertThat(twice.status()).isNotZero();
    assertThat(twice.err().strip()).doesNotContain("\n").contains("already rolled back");
    assertThat(sha256(data.resolve("directory.db"))).isEqualTo(before);
  }

  @Test
  void serverStartSnapshotsFirstAndRollbackIsRefusedWhileItRuns() throws Exception {
    String before = sha256(data.resolve("directory.db"));
    try (Server server = Server.start(Config.load(cfg, true))) {
      assertThat(snapshots()).hasSize(1);
      assertThat(sha256(snapshots().getFirst().resolve("files/directory.db"))).isEqualTo(before);
      assertThat(schemaVersion()).isGreaterThan(2);
      assertThat(version()).isEqualTo(DataDirVersion.current());

      Run refused = postamt("upgrade", "--rollback");
      assertThat(refused.status()).isNotZero();
      assertThat(refused.err().strip()).doesNotContain("\n").contains("running").contains("stop it");
      assertThat(schemaVersion()).isGreaterThan(2);
    }
    Run back = postamt("upgrade", "--rollback");
    assertThat(back.status()).as(back.err()).isZero();
    assertThat(sha256(data.resolve("directory.db"))).isEqualTo(before);
    assertThat(version()).isEqualTo("0.0.1");
  }

  @Test
  void anAdminCommandSnapshotsBeforeItOpensTheDirectory() throws Exception {
    String before = sha256(data.resolve("directory.db"));
    Run add = postamt("domain", "add", "new.example");
    assertThat(add.status()).as(add.err()).isZero();
    assertThat(snapshots()).hasSize(1);
    assertThat(sha256(snapshots().getFirst().resolve("files/directory.db"))).isEqualTo(before);
    assertThat(version()).isEqualTo(DataDirVersion.current());
  }

  @Test
  void rollbackWithoutASnapshotIsOneLineError() throws Exception {
    String before = sha256(data.resolve("directory.db"));
    Run r = postamt("upgrade", "--rollback");
    assertThat(r.status()).isNotZero();
    assertThat(r.err().strip()).doesNotContain("\n").startsWith("postamt: no upgrade snapshot in");
    assertThat(sha256(data.resolve("directory.db"))).isEqualTo(before);
    assertThat(version()).isEqualTo("0.0.1");
  }

  @Test
  void aFreshDataDirectoryJustGetsItsVersion() throws Exception {
    Path fresh = tmp.resolve("fresh");
    assertThat(Upgrade.beforeServe(fresh)).isEmpty();
    assertThat(Files.readString(fresh.resolve("VERSION")).strip()).isEqualTo(DataDirVersion.current());
    assertThat(fresh.resolve("upgrade")).doesNotExist();
  }

  private long inboxMessages(String user) {
    try (var store = new dev.postamt.store.SqliteMailStore(data); var account = store.open(user)) {
      return account.status("INBOX").messages();
    }
  }

  /** A message file in {@code new/}, as a delivery (or another Maildir program) leaves it. */
  private void deliverFile(String user, String name) throws Exception {
    Path inboxNew = dev.postamt.store.MailboxLayout.maildir(data, user).resolve("new");
    Files.createDirectories(inboxNew);
    Files.writeString(inboxNew.resolve(name), "From: a@b.example\r\nSubject: " + name + "\r\n\r\nhello\r\n");
  }

  @Test
  void mailDeliveredAfterTheUpgradeIsStillThereAfterTheRollback() throws Exception {
    String alice = "alice@old.example";
    deliverFile(alice, "1700000000.before.host");
    assertThat(inboxMessages(alice)).isEqualTo(1); // the index as the old release left it
    assertThat(postamt("upgrade").status()).isZero();

    deliverFile(alice, "1700000100.after.host");
    assertThat(inboxMessages(alice)).isEqualTo(2);

    Run back = postamt("upgrade", "--rollback");
    assertThat(back.status()).as(back.err()).isZero();
    assertThat(back.out()).contains("mail/old.example/alice"); // the account's index was put back too
    assertThat(inboxMessages(alice)).isEqualTo(2); // the old index did not know it; the store picks it up
  }
}
