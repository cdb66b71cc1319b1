package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.filter.checksum.ChecksumStore;
import dev.postamt.filter.checksum.PgChecksumStore;
import dev.postamt.filter.checksum.SqliteChecksumStore;
import dev.postamt.filter.lists.PgSpamLists;
import dev.postamt.filter.lists.SpamListStore;
import dev.postamt.filter.lists.SqliteSpamLists;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.quarantine.PgQuarantine;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.testing.PgCluster;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt migrate --to postgresql://…} and {@code --from} copy the filter state (spam checksums, the
 * white- and blacklists, the quarantine index) with counts verified; the quarantined messages' files stay
 * in the data directory, where a node on PostgreSQL reads them.
 */
class MigrateFilterStateCommandTest {
  @TempDir Path dir;

  private CliFixture.Result run(Path config, String... args) {
    return CliFixture.runWith(config, args);
  }

  private Path config(String name, String extra) throws Exception {
    return CliFixture.installation(dir, name, extra);
  }

  private static long[] signature(long seed) {
    java.util.Random r = new java.util.Random(seed);
    long[] sig = new long[32];
    for (int i = 0; i < sig.length; i++) {
      sig[i] = r.nextLong();
    }
    return sig;
  }

  @Test
  void copiesChecksumsListsAndTheQuarantineIndexIntoPostgresAndBack() throws Exception {
    PgCluster pg = PgCluster.get();
    String url = pg.url(pg.freshDatabase().postgres().orElseThrow().database());
    Path sqliteConfig = config("a", "");
    Path data = dir.resolve("a/data");
    Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
    long[] sig = signature(7);
    long[] bands = dev.postamt.filter.checksum.FuzzyHash.bands(sig);
    SpamListStore.Entry entry = new SpamListStore.Entry("bob@example.test", SpamListStore.Kind.WHITELIST_FROM, "*@friends.example");
    try (ChecksumStore sums = SqliteChecksumStore.open(data); SpamListStore lists = SqliteSpamLists.open(data)) {
      assertThat(sums.add(sig, bands, t0)).isTrue();
      lists.add(entry);
      lists.add(new SpamListStore.Entry("", SpamListStore.Kind.BLACKLIST_FROM, "*@spam.example"));
      lists.remember("bob@example.test", List.of("alice@example.org"), t0);
    }
    Quarantine.of(data).store(new Quarantine.Entry("HELD1", t0, "eve@remote.example", List.of("bob@example.test"),
        "spam score 25.0", "offer", "192.0.2.9", "8BITMIME", true, 0).withKind(Quarantine.Kind.SPAM),
        new ByteArrayInputStream("Subject: offer\r\n\r\nbuy\r\n".getBytes(StandardCharsets.US_ASCII)));

    CliFixture.Result to = run(sqliteConfig, "migrate", "--to", url);
    assertThat(to.status()).as(to.err()).isZero();
    assertThat(to.out()).doesNotContain("MISMATCH").contains("counts verified")
        .containsPattern("checksums: checksum +1 rows +1 copied +ok")
        .containsPattern("checksums: checksum_band +16 rows +16 copied +ok")
        .containsPattern("spam lists: spamlist_entry +2 rows +2 copied +ok")
        .containsPattern("spam lists: spamlist_written +1 rows +1 copied +ok")
        .containsPattern("quarantine: quarantine_held +1 rows +1 copied +ok");

    PgDatabase db = PgDatabase.of(Database.Postgres.parse(url), 2);
    try (ChecksumStore sums = PgChecksumStore.open(db); SpamListStore lists = PgSpamLists.open(db)) {
      assertThat(sums.candidates(bands, 10)).singleElement().satisfies(e -> {
        assertThat(e.signature()).containsExactly(sig);
        assertThat(e.added()).isEqualTo(t0);
      });
      assertThat(sums.add(sig, bands, t0)).as("the copied signature is known by its key").isFalse();
      long[] other = signature(8);
      assertThat(sums.add(other, dev.postamt.filter.checksum.FuzzyHash.bands(other), t0))
          .as("a new signature after the copied ones gets a new id").isTrue();
      assertThat(lists.entries("bob@example.test")).hasSize(2).contains(entry);
      assertThat(lists.remembered("bob@example.test", "alice@example.org")).isTrue();
      Quarantine q = PgQuarantine.open(db, data.resolve("quarantine"));
      assertThat(q.find("HELD1")).get().satisfies(e -> {
        assertThat(e.kind()).isEqualTo(Quarantine.Kind.SPAM);
        assertThat(e.smtpUtf8()).isTrue();
        assertThat(e.held()).isEqualTo(t0);
        assertThat(e.size()).isEqualTo(23);
      });
      try (InputStream in = q.open("HELD1")) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).startsWith("Subject: offer");
      }
    } finally {
      db.close();
    }

    // the node itself, now configured for PostgreSQL, lists and shows the held message from there
    Path sameNode = dir.resolve("a/postamt-pg.toml");
    Files.writeString(sameNode, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n[database]\nurl = \"" + url + "\"\n");
    CliFixture.Result list = run(sameNode, "quarantine", "list");
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.out()).startsWith("HELD1 ").contains("-- 1 message held");
    assertThat(run(sameNode, "quarantine", "show", "HELD1").out()).contains("Subject: offer");
    CliFixture.Result added = run(sameNode, "spam", "lists", "add", "blacklist_from", "*@new.example");
    assertThat(added.status()).as(added.err()).isZero();
    assertThat(run(sameNode, "spam", "lists", "show").out()).contains("*@spam.example", "*@new.example");
    try (SpamListStore lists = SqliteSpamLists.open(data)) {
      assertThat(lists.entries(null)).as("written to PostgreSQL, not to the old file")
          .extracting(SpamListStore.Entry::pattern).containsExactly("*@spam.example");
    }

    // and back, into an installation without that state
    Path back = config("b", "");
    CliFixture.Result from = run(back, "migrate", "--from", url);
    assertThat(from.status()).as(from.err()).isZero();
    assertThat(from.out()).doesNotContain("MISMATCH").containsPattern("checksums: checksum +2 rows +2 copied +ok");
    try (SpamListStore lists = SqliteSpamLists.open(dir.resolve("b/data"));
        ChecksumStore sums = SqliteChecksumStore.open(dir.resolve("b/data"))) {
      assertThat(lists.entries("bob@example.test")).contains(entry);
      assertThat(sums.candidates(bands, 10)).hasSize(1);
      assertThat(sums.remove(sig)).isTrue();
    }
    assertThat(Quarantine.of(dir.resolve("b/data")).find("HELD1")).get()
        .extracting(Quarantine.Entry::smtpUtf8).isEqualTo(true);
  }
}
