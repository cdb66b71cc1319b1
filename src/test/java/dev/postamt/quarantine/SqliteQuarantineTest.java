package dev.postamt.quarantine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The quarantine contract on SQLite and message files. */
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
}
