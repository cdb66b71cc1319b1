package dev.postamt.mda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.testing.PgCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vacation and duplicate logs on SQLite (including a file of the first version) and on PostgreSQL. */
class SeenLogTest {
  @TempDir Path dir;
  static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

  private Config config(String extra) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, "data_dir = \"data\"\n" + extra);
    return Config.load(f, true);
  }

  private static void remembersWithinThePeriodOnly(SeenLog log) throws Exception {
    assertThat(log.within("alice@example.test", "bob@example.org\0h", Duration.ofDays(7), T0)).isFalse();
    log.record("alice@example.test", "bob@example.org\0h", T0);
    assertThat(log.within("alice@example.test", "bob@example.org\0h", Duration.ofDays(7), T0.plus(Duration.ofDays(6)))).isTrue();
    assertThat(log.within("alice@example.test", "bob@example.org\0h", Duration.ofDays(7), T0.plus(Duration.ofDays(8)))).isFalse();
    assertThat(log.within("carol@example.test", "bob@example.org\0h", Duration.ofDays(7), T0)).as("per user").isFalse();
    log.record("alice@example.test", "bob@example.org\0h", T0.plus(Duration.ofDays(8)));
    assertThat(log.within("alice@example.test", "bob@example.org\0h", Duration.ofDays(7), T0.plus(Duration.ofDays(9)))).isTrue();
  }

  @Test
  void sqlite() throws Exception {
    Config c = config("");
    try (SeenLog v = SeenLog.vacation(c); SeenLog d = SeenLog.duplicate(c)) {
      remembersWithinThePeriodOnly(v);
      remembersWithinThePeriodOnly(d);
    }
    assertThat(dir.resolve("data/sieve/vacation.db")).exists();
  }

  @Test
  void aFirstVersionFileKeepsItsEntries() throws Exception {
    Path file = dir.resolve("data/sieve/vacation.db");
    Files.createDirectories(file.getParent());
    try (var conn = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); var st = conn.createStatement()) {
      st.executeUpdate("CREATE TABLE entry(user TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY(user, key))");
      st.executeUpdate("INSERT INTO entry VALUES ('alice@example.test', 'k', " + T0.toEpochMilli() + ")");
    }
    try (SeenLog v = SeenLog.vacation(config(""))) {
      assertThat(v.within("alice@example.test", "k", Duration.ofDays(1), T0.plusSeconds(60))).isTrue();
    }
  }

  @Test
  void postgresSharedByTwoNodes() throws Exception {
    PgCluster pg = PgCluster.get();
    String url = pg.url(pg.freshDatabase().postgres().orElseThrow().database());
    Config c = config("[database]\nurl = \"" + url + "\"\n");
    try (SeenLog nodeA = SeenLog.vacation(c); SeenLog nodeB = SeenLog.vacation(c); SeenLog d = SeenLog.duplicate(c)) {
      remembersWithinThePeriodOnly(nodeA);
      assertThat(nodeB.within("alice@example.test", "bob@example.org\0h", Duration.ofDays(7), T0.plus(Duration.ofDays(9))))
          .as("answered on node A: node B does not answer again").isTrue();
      remembersWithinThePeriodOnly(d);
    } finally {
      dev.postamt.postgres.PgDatabase.of(c.database()).close();
    }
    assertThat(dir.resolve("data/sieve")).doesNotExist();
  }
}
