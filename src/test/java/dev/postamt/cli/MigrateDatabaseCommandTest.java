package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.ban.BanList;
import dev.postamt.ban.PgBanList;
import dev.postamt.ban.SqliteBanList;
import dev.postamt.policy.PgGreylistStore;
import dev.postamt.policy.SqliteGreylistStore;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.sieve.store.PgSieveScripts;
import dev.postamt.sieve.store.PgVacations;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SqliteSieveScripts;
import dev.postamt.sieve.store.SqliteVacations;
import dev.postamt.sieve.store.Vacations;
import dev.postamt.testing.PgCluster;
import dev.postamt.web.session.PgWebSessions;
import dev.postamt.web.session.SqliteWebSessions;
import dev.postamt.web.session.WebSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt migrate --to postgresql://…} copies an SQLite installation's state into PostgreSQL with
 * counts verified, refuses a database that already holds state, and {@code --from} copies it back; with
 * {@code [database] url} set, the CLI then works on PostgreSQL.
 */
class MigrateDatabaseCommandTest {
  @TempDir Path dir;

  private CliFixture.Result run(Path config, String... args) {
    return CliFixture.runWith(config, args);
  }

  private Path config(String name, String extra) throws Exception {
    return CliFixture.installation(dir, name, extra);
  }

  @Test
  void copiesEveryKindOfStateIntoPostgresAndBack() throws Exception {
    PgCluster pg = PgCluster.get();
    String url = pg.url(pg.freshDatabase().postgres().orElseThrow().database());
    Path sqliteConfig = config("a", "");
    Path data = dir.resolve("a/data");
    Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
    String sessionId;
    try (BanList bans = SqliteBanList.open(data); SqliteGreylistStore grey = SqliteGreylistStore.open(data);
        SieveScripts sieve = SqliteSieveScripts.open(data); Vacations vac = SqliteVacations.open(data);
        WebSessions web = new SqliteWebSessions(data.resolve("web/sessions.db"), WebSessions.IDLE, WebSessions.MAX_AGE)) {
      bans.put(new BanList.Entry("192.0.2.7", t0, Optional.empty(), "by hand", 1));
      grey.start("192.0.2/a@b/c@d", t0);
      grey.pass("192.0.2/a@b/c@d", "192.0.2", t0.plusSeconds(600));
      sieve.put("alice@example.test", "mine", "keep;\n");
      sieve.activate("alice@example.test", "mine");
      vac.set("alice@example.test", new Vacations.Vacation(true, null, null, "Away", "Back soon.", null));
      sessionId = web.create("alice@example.test").id();
      web.createToken("alice@example.test", "laptop", null);
    }
    try (dev.postamt.filter.bayes.BayesStore bayes = dev.postamt.filter.bayes.SqliteBayesStore.open(data)) {
      bayes.learn(dev.postamt.filter.bayes.BayesStore.GLOBAL, "d1", new long[] {1, 2, 3}, true, false, t0);
    }

    try (dev.postamt.store.MailStore mail = new dev.postamt.store.SqliteMailStore(data);
        dev.postamt.store.Account a = mail.open("alice@example.test")) {
      byte[] m = "Subject: kept\r\n\r\nhi\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      a.append("INBOX", new java.io.ByteArrayInputStream(m), m.length, java.util.Set.of("\\Seen"), 1_700_000_000_000L);
      mail.shares().grant("alice@example.test", "INBOX", "bob@example.test", dev.postamt.store.Rights.parse("lr"));
    }

    CliFixture.Result to = run(sqliteConfig, "migrate", "--to", url);
    assertThat(to.status()).as(to.err()).isZero();
    assertThat(to.out()).contains("bans: ban").contains("greylist: greylist_client").contains("sieve scripts: sieve_scripts")
        .doesNotContain("MISMATCH").contains("counts verified");
    assertThat(to.out()).containsPattern("greylist: greylist_triplet +1 rows +1 copied +ok");
    assertThat(to.out()).containsPattern("mailbox index: mail_message +1 rows +1 copied +ok")
        .containsPattern("mailbox shares: share_acl +1 rows +1 copied +ok");

    PgDatabase db = PgDatabase.of(dev.postamt.config.Database.Postgres.parse(url), 2);
    try (BanList bans = PgBanList.open(db); PgGreylistStore grey = PgGreylistStore.open(db);
        SieveScripts sieve = PgSieveScripts.open(db, SieveScripts.Limits.DEFAULTS); Vacations vac = PgVacations.open(db);
        WebSessions web = new PgWebSessions(db, WebSessions.IDLE, WebSessions.MAX_AGE)) {
      assertThat(bans.all()).extracting(BanList.Entry::reason).containsExactly("by hand");
      assertThat(grey.lookup("192.0.2/a@b/c@d", "192.0.2").triplet().orElseThrow().passed()).isTrue();
      assertThat(grey.lookup("192.0.2/a@b/c@d", "192.0.2").clientPasses()).isEqualTo(1);
      assertThat(sieve.active("alice@example.test").orElseThrow().name()).isEqualTo("mine");
      assertThat(vac.get("alice@example.test").textBody()).isEqualTo("Back soon.");
      assertThat(web.find(sessionId)).isPresent();
      assertThat(web.tokens("alice@example.test")).hasSize(1);
      try (dev.postamt.filter.bayes.BayesStore bayes = dev.postamt.filter.bayes.PgBayesStore.open(db)) {
        assertThat(bayes.learned(dev.postamt.filter.bayes.BayesStore.GLOBAL, "d1")).contains(true);
        assertThat(bayes.learn("bob@example.test", "d2", new long[] {4}, false, false, t0))
            .as("a new scope after the copied ones gets a new id").isEqualTo(dev.postamt.filter.bayes.BayesStore.Outcome.LEARNED);
        assertThat(bayes.messages(dev.postamt.filter.bayes.BayesStore.GLOBAL)).isEqualTo(new dev.postamt.filter.bayes.BayesStore.Counts(1, 0));
      }
    } finally {
      db.close();
    }

    CliFixture.Result again = run(sqliteConfig, "migrate", "--to", url);
    assertThat(again.status()).isNotZero();
    assertThat(again.err().strip()).contains("already has 1 rows; copy into an empty one").doesNotContain("Exception");

    // the reverse, into an installation without that state
    Path back = config("b", "");
    CliFixture.Result from = run(back, "migrate", "--from", url);
    assertThat(from.status()).as(from.err()).isZero();
    try (SieveScripts sieve = SqliteSieveScripts.open(dir.resolve("b/data"))) {
      assertThat(sieve.active("alice@example.test").orElseThrow().text()).isEqualTo("keep;\n");
    }

    // a node configured for PostgreSQL: the CLI writes there
    Path node = config("c", "[database]\nurl = \"" + url + "\"\n");
    Path script = dir.resolve("other.sieve");
    Files.writeString(script, "keep;\n");
    assertThat(run(node, "domain", "add", "example.test").status()).isZero();
    assertThat(run(node, "user", "add", "bob@example.test", "--password", "correct horse battery").status()).isZero();
    CliFixture.Result put = run(node, "sieve", "put", "bob@example.test", "other", script.toString());
    assertThat(put.status()).as(put.err()).isZero();
    CliFixture.Result list = run(back, "migrate", "--from", url);
    assertThat(list.status()).as("b already has the scripts").isNotZero();
    assertThat(Files.exists(dir.resolve("c/data/sieve.db"))).as("nothing written to SQLite on the PostgreSQL node").isFalse();
  }

  @Test
  void aBadUrlIsOneLineNamingIt() throws Exception {
    Path c = config("x", "");
    CliFixture.Result r = run(c, "migrate", "--to", "mysql://root:secret@localhost/db");
    assertThat(r.status()).isNotZero();
    assertThat(r.err().strip()).contains("--to").contains("must start with postgresql://").doesNotContain("secret")
        .doesNotContain("\n");
  }
}
