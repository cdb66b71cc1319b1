package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.collect.CollectAccounts;
import dev.postamt.collect.PgCollectAccounts;
import dev.postamt.collect.RemoteUrl;
import dev.postamt.collect.SqliteCollectAccounts;
import dev.postamt.events.Event;
import dev.postamt.events.PgTrailStore;
import dev.postamt.events.SqliteTrailStore;
import dev.postamt.events.Trace;
import dev.postamt.events.TrailKey;
import dev.postamt.events.TrailRecord;
import dev.postamt.events.TrailStore;
import dev.postamt.jmap.JmapRecords;
import dev.postamt.jmap.PgJmapRecords;
import dev.postamt.jmap.SqliteJmapRecords;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.reports.DmarcReport;
import dev.postamt.reports.PgReportStore;
import dev.postamt.reports.ReportStore;
import dev.postamt.reports.SqliteReportStore;
import dev.postamt.testing.PgCluster;
import dev.postamt.tlsrpt.PgTlsReports;
import dev.postamt.tlsrpt.Policy;
import dev.postamt.tlsrpt.SqliteTlsReports;
import dev.postamt.tlsrpt.TlsReports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt migrate --to/--from} with the state that lets every node run JMAP and the console: the JMAP
 * records, the trail, the collected accounts and the TLS and DMARC report state, counts verified, new ids after
 * the copied ones.
 */
class MigrateSharedStateTest {
  private static final String ALICE = "alice@example.test";
  @TempDir Path dir;

  private CliFixture.Result run(Path config, String... args) {
    return CliFixture.runWith(config, args);
  }

  private Path config(String name) throws Exception {
    Path d = dir.resolve(name);
    Files.createDirectories(d);
    Path f = d.resolve("postamt.toml");
    Files.writeString(f, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n");
    return f;
  }

  @Test
  void jmapRecordsTrailCollectedAccountsAndReportsGoToPostgresAndBack() throws Exception {
    PgCluster pg = PgCluster.get();
    String url = pg.url(pg.freshDatabase().postgres().orElseThrow().database());
    Path a = config("a");
    Path data = dir.resolve("a/data");
    Instant t0 = Instant.parse("2026-12-05T10:00:00Z");
    long account;
    try (JmapRecords jmap = SqliteJmapRecords.open(data); TrailStore trail = SqliteTrailStore.open(data);
        CollectAccounts collect = SqliteCollectAccounts.open(data)) {
      jmap.put(ALICE, "Identity", "i1", Map.of("name", "Alice"));
      jmap.put(ALICE, "Identity", "i2", Map.of("name", "Work"));
      jmap.joinThread(ALICE, List.of("m1@x"), "T1");
      trail.append(List.of(new TrailRecord(t0, Event.QUEUE_QUEUED.key(),
          TrailKey.queue("Q1").withSender("a@remote.test").withRecipient(ALICE), Map.of())));
      account = collect.add(ALICE, RemoteUrl.parse("pop3s://pop.remote.test"), "old", new byte[] {1, 0, 2}, true,
          false, false, t0);
      collect.begin(account, "uidl-1", t0);
      collect.delivered(account, "uidl-1");
      collect.begin(account, "uidl-2", t0);
    }
    try (TlsReports tls = SqliteTlsReports.open(data, java.time.Clock.fixed(t0, java.time.ZoneOffset.UTC));
        ReportStore reports = SqliteReportStore.open(data)) {
      tls.success(Policy.none("remote.test"));
      reports.addDmarc(new DmarcReport("google.example", "noreply@google.example", "r1", t0, t0.plusSeconds(86_399),
          "example.test", "none", List.of(new DmarcReport.Row("192.0.2.1", 3, "none", "pass", "pass", "example.test",
              "example.test=pass", "example.test=pass"))));
      reports.setLastUid("alice@example.test/INBOX", 7, 42);
    }

    CliFixture.Result to = run(a, "migrate", "--to", url);
    assertThat(to.status()).as(to.err()).isZero();
    assertThat(to.out()).doesNotContain("MISMATCH")
        .containsPattern("jmap records: jmap_objects +2 rows +2 copied +ok")
        .containsPattern("jmap records: jmap_counters +1 rows +1 copied +ok")
        .containsPattern("trail: trail_address +2 rows +2 copied +ok")
        .containsPattern("collected accounts: collect_pending +1 rows +1 copied +ok")
        .containsPattern("tls reports: tlsrpt_outcome +1 rows +1 copied +ok")
        .containsPattern("reports: dmarc_records +1 rows +1 copied +ok")
        .containsPattern("reports: reports_mailbox_read +1 rows +1 copied +ok");

    PgDatabase db = PgDatabase.of(dev.postamt.config.Database.Postgres.parse(url), 2);
    try (JmapRecords jmap = PgJmapRecords.open(db); TrailStore trail = PgTrailStore.open(db);
        CollectAccounts collect = PgCollectAccounts.open(db)) {
      assertThat(jmap.list(ALICE, "Identity")).extracting(JmapRecords.Stored::id).containsExactly("i1", "i2");
      assertThat(jmap.put(ALICE, "Identity", "i3", Map.of())).as("the counter goes on").isEqualTo(3);
      assertThat(jmap.threadsOf(ALICE, List.of("m1@x"))).containsEntry("m1@x", "T1");
      assertThat(new Trace(trail).find(ALICE, Instant.EPOCH)).singleElement()
          .extracting(Trace.Message::queueId).isEqualTo("Q1");
      trail.append(List.of(new TrailRecord(t0.plusSeconds(1), Event.QUEUE_QUEUED.key(), TrailKey.queue("Q2"), Map.of())));
      CollectAccounts.Account copied = collect.get(account).orElseThrow();
      assertThat(copied.password()).containsExactly(1, 0, 2);
      assertThat(copied.keep()).isTrue();
      assertThat(copied.collected()).isEqualTo(1);
      assertThat(collect.seen(account)).containsExactly("uidl-1");
      assertThat(collect.pending(account)).containsOnlyKeys("uidl-2");
      assertThat(collect.add(ALICE, RemoteUrl.parse("imaps://imap.remote.test"), "x", new byte[] {1}, false, false, false, t0))
          .as("a new account after the copied ones gets a new id").isGreaterThan(account);
      try (ReportStore reports = PgReportStore.open(db);
          TlsReports tls = PgTlsReports.open(db, java.time.Clock.fixed(t0, java.time.ZoneOffset.UTC))) {
        assertThat(reports.dmarcBySource(Optional.empty(), Instant.EPOCH)).singleElement()
            .extracting(ReportStore.DmarcSource::messages).isEqualTo(3L);
        assertThat(reports.lastUid("alice@example.test/INBOX", 7)).isEqualTo(42);
        assertThat(tls.day(java.time.LocalDate.parse("2026-12-05"))).containsOnlyKeys("remote.test");
      }
    } finally {
      db.close();
    }

    Path b = config("b");
    CliFixture.Result from = run(b, "migrate", "--from", url);
    assertThat(from.status()).as(from.err()).isZero();
    assertThat(from.out()).doesNotContain("MISMATCH").containsPattern("trail: trail +2 rows +2 copied +ok");
    Path back = dir.resolve("b/data");
    try (JmapRecords jmap = SqliteJmapRecords.open(back); TrailStore trail = SqliteTrailStore.open(back);
        CollectAccounts collect = SqliteCollectAccounts.open(back)) {
      assertThat(jmap.state(ALICE, "Identity")).isEqualTo(3);
      assertThat(trail.linksOfId("Q2", Instant.EPOCH)).containsExactly(new TrailStore.Link(null, "Q2"));
      assertThat(collect.all()).hasSize(2);
    }
  }
}
