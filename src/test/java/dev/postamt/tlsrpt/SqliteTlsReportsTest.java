package dev.postamt.tlsrpt;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The TLS results contract on {@code data_dir/tlsrpt.db}. */
class SqliteTlsReportsTest implements TlsReportsContract {
  @TempDir Path dir;

  @Override
  public TlsReports open(Clock clock) throws Exception {
    return SqliteTlsReports.open(dir, clock);
  }
}
