package dev.postamt.collect;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The collection state contract on {@code data_dir/collect.db}. */
class SqliteCollectAccountsTest implements CollectAccountsContract {
  @TempDir Path dir;

  @Override
  public CollectAccounts open() throws Exception {
    return SqliteCollectAccounts.open(dir);
  }
}
