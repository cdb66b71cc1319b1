package dev.postamt.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quarantine contract on SQLite and message files, and what is particular to that layout. */
class SqliteQuarantineTest implements QuarantineContract {
  @TempDir Path dir;
  private int n;

  @Override
  public Quarantine quarantine() throws IOException {
    return Quarantine.of(Files.createDirectories(dir.resolve("data" + n++)));
  }

  @Override
  public Quarantine reopen(Quarantine q) throws IOException {
    return Quarantine.of(dir.resolve("data" + (n - 1)));
  }

  @Test
  void aDatabaseOfTheFirstSchemaIsMigratedAndKeepsItsEntries() throws Exception {
    Path q = Files.createDirectories(dir.resolve("old/quarantine"));
    Files.createDirectories(q.resolve("messages"));
    Files.writeString(q.resolve("messages/OLD1"), "Subject: old\r\n\r\nbody\r\n");
    // the table as the first version created it, without kind and without a user_version
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + q.resolve("quarantine.db")); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE held (id TEXT PRIMARY KEY, held INTEGER NOT NULL, sender TEXT NOT NULL,"
          + " recipients TEXT NOT NULL, reason TEXT NOT NULL, subject TEXT NOT NULL, client_ip TEXT NOT NULL,"
          + " body TEXT NOT NULL, smtputf8 INTEGER NOT NULL, size INTEGER NOT NULL)");
      s.executeUpdate("INSERT INTO held VALUES ('OLD1', 1000, 's@example.org', 'a@example.test', 'virus X', 'old',"
          + " '192.0.2.1', '7BIT', 0, 24)");
    }
    Quarantine opened = Quarantine.of(dir.resolve("old"));
    assertThat(opened.list()).singleElement().satisfies(e -> {
      assertThat(e.id()).isEqualTo("OLD1");
      assertThat(e.kind()).isEqualTo(Quarantine.Kind.VIRUS);
      assertThat(e.reason()).isEqualTo("virus X");
    });
    opened.store(Quarantine.Kind.SPAM, QuarantineContract.entry("NEW1", 2000), QuarantineContract.bytes("x"));
    Quarantine again = Quarantine.of(dir.resolve("old")); // a second open finds the schema current
    assertThat(again.list()).extracting(Quarantine.Entry::kind).containsExactly(Quarantine.Kind.VIRUS, Quarantine.Kind.SPAM);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + q.resolve("quarantine.db")); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      assertThat(rs.getInt(1)).isEqualTo(SqliteQuarantine.SCHEMA);
    }
    try (InputStream in = again.open("OLD1")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("Subject: old");
    }
  }

  @Test
  void expireAlsoRemovesOldFilesNoRowNames() throws Exception {
    Quarantine q = quarantine();
    Path messages = dir.resolve("data0/quarantine/messages");
    q.store(QuarantineContract.entry("KEEP", System.currentTimeMillis()), QuarantineContract.bytes("k"));
    Files.writeString(messages.resolve("ORPHAN"), "left by a crash before its row");
    Files.writeString(messages.resolve("HALF.tmp"), "half written");
    Files.writeString(messages.resolve("FRESH"), "being stored right now");
    Instant cutoff = Instant.now().minusSeconds(3600);
    for (String f : new String[] {"ORPHAN", "HALF.tmp", "KEEP"}) {
      Files.setLastModifiedTime(messages.resolve(f), FileTime.from(cutoff.minusSeconds(60)));
    }
    assertThat(q.expire(cutoff)).isZero();
    assertThat(messages.resolve("ORPHAN")).doesNotExist();
    assertThat(messages.resolve("HALF.tmp")).doesNotExist();
    assertThat(messages.resolve("FRESH")).exists();
    assertThat(messages.resolve("KEEP")).exists(); // its row says it was held recently
  }
}
