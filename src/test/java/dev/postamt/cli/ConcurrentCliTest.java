package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands run at once in one JVM (as parallel tests do) each print to their own writer. */
class ConcurrentCliTest {
  @TempDir Path dir;

  @Test
  void eachRunPrintsToItsOwnWriter() throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n[listen]\n");
    ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int k = 0; k < 4; k++) {
                      StringWriter out = new StringWriter();
                      StringWriter err = new StringWriter();
                      int rc;
                      try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
                        rc = Main.run(o, e, "config", "check", "--config", cfg.toString());
                      }
                      if (rc != 0 || !out.toString().startsWith("config ok")) {
                        bad.add("rc=" + rc + " out=" + out + " err=" + err);
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(bad).isEmpty();
  }
}
