package dev.postamt.store;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgPools;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The store's behaviour tests again with the index in PostgreSQL (a throwaway cluster; skipped when
 * PostgreSQL cannot start): one database per test, so that a store reopened on the same directory finds
 * its index again. Tests that edit a SQLite index file by hand are overridden without {@code @Test}.
 */
class PgStoreTests {
  private final PgPools pools = new PgPools();
  private PgDatabase db;

  private MailStore pgStore(Path data) {
    if (db == null) {
      db = pools.fresh();
    }
    return new PgMailStore(db, data, Quota.Policy.NONE, 0);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Nested
  class Snapshots extends SnapshotTest {
    @Override
    MailStore store(Path data) {
      return pgStore(data);
    }
  }

  @Nested
  class ExpungeHistory extends ExpungeHistoryTest {
    @Override
    MailStore store(Path data) {
      return pgStore(data);
    }

    /** SQLite only: it edits the index file. */
    @Override
    void olderIndexIsMigratedWithTheFloorAtItsHighestModseq() {}
  }

  @Nested
  class Metadata extends StoreMetadataTest {
    @Override
    MailStore store(Path data) {
      return pgStore(data);
    }

    /** SQLite only: it edits the index file. */
    @Override
    void olderIndexWithoutSaveDatesReportsTheInternalDate() {}
  }
}
