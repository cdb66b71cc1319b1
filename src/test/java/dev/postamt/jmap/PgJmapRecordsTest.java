package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgNodes;
import dev.postamt.testing.PgPools;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JMAP records contract on PostgreSQL, and two nodes changing one user's objects at once. */
class PgJmapRecordsTest implements JmapRecordsContract {
  private final PgPools pools = new PgPools();
  private PgDatabase db;

  @Override
  public JmapRecords open() {
    if (db == null) {
      db = pools.fresh();
    }
    return PgJmapRecords.open(db);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void twoNodesWritingAtOnceNeverShareAStateAndChangesMissNothing() throws Exception {
    try (PgNodes nodes = new PgNodes(); JmapRecords nodeA = PgJmapRecords.open(nodes.a);
        JmapRecords nodeB = PgJmapRecords.open(nodes.b); ExecutorService pool = Executors.newFixedThreadPool(4)) {
      long since = nodeA.state(ALICE, "Identity");
      List<Future<Long>> states = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        JmapRecords node = i % 2 == 0 ? nodeA : nodeB;
        String id = "i" + i;
        states.add(pool.submit((Callable<Long>) () -> node.put(ALICE, "Identity", id, Map.of("n", 1L))));
      }
      Set<Long> distinct = new HashSet<>();
      for (Future<Long> f : states) {
        distinct.add(f.get());
      }
      assertThat(distinct).hasSize(40);
      JmapRecords.Changes ch = nodeB.changes(ALICE, "Identity", since);
      assertThat(ch.created()).hasSize(40);
      assertThat(ch.now()).isEqualTo(since + 40);
    }
  }
}
