package dev.postamt.sieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.sieve.store.SieveScripts.Limits;
import dev.postamt.testing.PgPools;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Sieve script contract on PostgreSQL, and two nodes seeing each other's changes. */
class PgSieveScriptsTest implements SieveScriptsContract {
  private final PgPools pools = new PgPools();
  /** One database per directory the contract names, so that opening the same directory again reopens it. */
  private final java.util.Map<Path, PgDatabase> databases = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public SieveScripts open(Path dir, Limits limits) throws Exception {
    return PgSieveScripts.open(databases.computeIfAbsent(dir, d -> pools.fresh()), limits);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void aScriptActivatedOnOneNodeIsTheActiveOneOnAnother() throws Exception {
    PgDatabase db = pools.fresh();
    try (SieveScripts nodeA = PgSieveScripts.open(db, Limits.DEFAULTS); SieveScripts nodeB = PgSieveScripts.open(db, Limits.DEFAULTS)) {
      long v = nodeB.version(ALICE);
      nodeA.put(ALICE, "a", KEEP);
      nodeA.activate(ALICE, "a");
      assertThat(nodeB.active(ALICE).orElseThrow().name()).isEqualTo("a");
      assertThat(nodeB.version(ALICE)).isGreaterThan(v);
    }
  }
}
