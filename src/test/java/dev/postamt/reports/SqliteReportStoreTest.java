package dev.postamt.reports;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The report store contract on {@code data_dir/reports.db}. */
class SqliteReportStoreTest implements ReportStoreContract {
  @TempDir Path dir;

  @Override
  public ReportStore open() throws Exception {
    return SqliteReportStore.open(dir);
  }
}
