package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncTest {
  @TempDir Path dir;

  @Test
  void concurrentCallersAllReturnAfterAnFsync() throws Exception {
    AtomicInteger done = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      int n = i;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      Files.writeString(dir.resolve("f" + n), "x");
                      DirectorySync.sync(dir);
                      done.incrementAndGet();
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(done).hasValue(32);
  }

  @Test
  void failuresReachTheCaller() {
    assertThatThrownBy(() -> DirectorySync.sync(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
  }
}
