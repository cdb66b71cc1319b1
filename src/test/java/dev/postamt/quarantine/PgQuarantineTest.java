package dev.postamt.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Database;
import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgCluster;
import dev.postamt.testing.PgPools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quarantine contract with its index in PostgreSQL, and two nodes (each with its own pool and its own
 * data directory) sharing it.
 */
class PgQuarantineTest implements QuarantineContract {
  @TempDir Path dir;
  private final PgPools pools = new PgPools();
  private PgDatabase lastDb;
  private Path lastDir;
  private int n;

  @Override
  public Quarantine quarantine() throws IOException {
    lastDb = pools.fresh();
    lastDir = dir.resolve("data" + n++).resolve("quarantine");
    return PgQuarantine.open(lastDb, lastDir);
  }

  @Override
  public Quarantine reopen(Quarantine q) throws IOException {
    return PgQuarantine.open(lastDb, lastDir);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  private record Nodes(PgDatabase a, PgDatabase b, Quarantine nodeA, Quarantine nodeB) implements AutoCloseable {
    @Override
    public void close() {
      a.close();
      b.close();
    }
  }

  /** Two nodes on one fresh database: two pools of their own (a distinct URL makes a distinct pool), two data directories. */
  private Nodes nodes() throws IOException {
    Database.Postgres pg = PgCluster.get().freshDatabase().postgres().orElseThrow();
    PgDatabase a = PgDatabase.of(pg, 3);
    PgDatabase b = PgDatabase.of(new Database.Postgres(pg.host(), pg.port(), pg.database(), pg.user(), pg.password(),
        "ApplicationName=nodeB"), 3);
    return new Nodes(a, b, PgQuarantine.open(a, dir.resolve("a/quarantine")), PgQuarantine.open(b, dir.resolve("b/quarantine")));
  }

  @Test
  void everyNodeListsWhatAnyHoldsAndTheMessageIsReadWhereItIsHeld() throws Exception {
    try (Nodes n = nodes()) {
      n.nodeA().store(QuarantineContract.entry("HELDA", 1_000), QuarantineContract.bytes("Subject: a\r\n\r\nx\r\n"));
      assertThat(n.nodeB().list()).extracting(Quarantine.Entry::id).containsExactly("HELDA");
      assertThat(n.nodeB().find("HELDA")).get().extracting(Quarantine.Entry::size).isEqualTo(17L);
      assertThatThrownBy(() -> n.nodeB().open("HELDA")).isInstanceOf(NoSuchFileException.class)
          .hasMessageContaining("held on another node");
      try (InputStream in = n.nodeA().open("HELDA")) {
        assertThat(in.readAllBytes()).hasSize(17);
      }
      assertThat(dir.resolve("b/quarantine/messages")).as("nothing written on node B").doesNotExist();

      // deleted on node B: gone for both; node A's file goes at its next expiry run once an hour old, long
      // before the retention, while a file whose row may still be on its way stays
      assertThat(n.nodeB().delete("HELDA")).isTrue();
      assertThat(n.nodeA().find("HELDA")).isEmpty();
      Path file = dir.resolve("a/quarantine/messages/HELDA");
      assertThat(file).exists();
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(7200)));
      Path fresh = Files.writeString(dir.resolve("a/quarantine/messages/FRESH1"), "row being written");
      assertThat(n.nodeA().expire(Instant.EPOCH)).isZero();
      assertThat(file).doesNotExist();
      assertThat(fresh).exists();
    }
  }

  @Test
  void theConfigNamesTheQuarantineAndItsDailyExpiry() throws Exception {
    String url = PgCluster.get().url(PgCluster.get().freshDatabase().postgres().orElseThrow().database());
    Path cfg = Files.createDirectories(dir.resolve("node")).resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n[database]\nurl = \"" + url + "\"\n");
    dev.postamt.config.Config config = dev.postamt.config.Config.load(cfg, true);
    try {
      Quarantine q = Quarantine.open(config);
      assertThat(q).isInstanceOf(PgQuarantine.class);
      q.store(QuarantineContract.entry("OLD1", 1_000), QuarantineContract.bytes("old"));
      q.store(QuarantineContract.entry("NEW1", System.currentTimeMillis()), QuarantineContract.bytes("new"));
      assertThat(QuarantineExpiry.runOnce(config, java.time.Duration.ofDays(1), java.time.Clock.systemUTC())).isEqualTo(1);
      assertThat(q.list()).extracting(Quarantine.Entry::id).containsExactly("NEW1");
      assertThat(dir.resolve("node/data/quarantine/messages/NEW1")).exists();
      assertThat(dir.resolve("node/data/quarantine/quarantine.db")).as("nothing in SQLite").doesNotExist();
    } finally {
      PgDatabase.of(config.database()).close();
    }
  }

  @Test
  void twoNodesHoldingTheSameIdAtOnceHoldItOnce() throws Exception {
    try (Nodes n = nodes(); ExecutorService threads = Executors.newFixedThreadPool(4)) {
      int ids = 10;
      List<Future<Quarantine.Entry>> results = new ArrayList<>();
      for (int i = 0; i < ids; i++) {
        Quarantine.Entry e = QuarantineContract.entry("SAME" + i, 1_000 + i);
        CyclicBarrier together = new CyclicBarrier(2);
        results.add(threads.submit(() -> {
          together.await();
          return n.nodeA().store(e, QuarantineContract.bytes("from a"));
        }));
        results.add(threads.submit(() -> {
          together.await();
          return n.nodeB().store(e, QuarantineContract.bytes("from b"));
        }));
      }
      int stored = 0;
      int refused = 0;
      for (Future<Quarantine.Entry> f : results) {
        try {
          f.get();
          stored++;
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(IOException.class).hasMessageContaining("already held");
          refused++;
        }
      }
      assertThat(stored).as("each id held by exactly one node").isEqualTo(ids);
      assertThat(refused).isEqualTo(ids);
      assertThat(n.nodeA().list()).hasSize(ids);
    }
  }

  @Test
  void twoNodesExpiringAtOnceCountEachEntryOnce() throws Exception {
    try (Nodes n = nodes(); ExecutorService threads = Executors.newFixedThreadPool(2)) {
      for (int i = 0; i < 30; i++) {
        (i % 2 == 0 ? n.nodeA() : n.nodeB()).store(QuarantineContract.entry("OLD" + i, 1_000 + i), QuarantineContract.bytes("old"));
      }
      n.nodeA().store(QuarantineContract.entry("NEW1", 100_000), QuarantineContract.bytes("new"));
      Instant cutoff = Instant.ofEpochMilli(50_000);
      CyclicBarrier together = new CyclicBarrier(2);
      Future<Integer> a = threads.submit(() -> {
        together.await();
        return n.nodeA().expire(cutoff);
      });
      Future<Integer> b = threads.submit(() -> {
        together.await();
        return n.nodeB().expire(cutoff);
      });
      assertThat(a.get() + b.get()).isEqualTo(30);
      assertThat(n.nodeB().list()).extracting(Quarantine.Entry::id).containsExactly("NEW1");
      // node B's files whose rows node A deleted go at B's next run, once older than its cutoff
      assertThat(n.nodeB().expire(Instant.now().plusSeconds(60))).isEqualTo(1);
      try (var files = Files.list(dir.resolve("b/quarantine/messages"))) {
        assertThat(files.toList()).as("node B's files of expired entries").isEmpty();
      }
    }
  }
}
