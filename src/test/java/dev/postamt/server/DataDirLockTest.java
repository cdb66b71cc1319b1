package dev.postamt.server;

import dev.postamt.config.DataDirLock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import dev.postamt.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two {@code serve} on one data directory cannot both run (issue 14 item 3). */
class DataDirLockTest {
  @TempDir Path dir;

  @Test
  void secondServerOnTheSameDataDirectoryIsRefusedAndTheFirstKeepsItsControlSocket() throws Exception {
    try (TestServer first = TestServer.start(dir)) {
      Path run = first.config.dataDir().resolve("run");
      assertThat(Files.readString(run.resolve("serve.lock")).trim())
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));
      Config again = Config.load(dir.resolve("postamt.toml"), true);
      assertThatThrownBy(() -> Server.start(again))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("another postamt serve is already running on data directory ")
          .hasMessageContaining("(pid " + ProcessHandle.current().pid() + ")")
          .hasMessageNotContaining("\n");
      // The refused second start touched nothing of the first: it still answers on its port.
      try (var s = new java.net.Socket("127.0.0.1", first.port("smtp"))) {
        assertThat(new String(s.getInputStream().readNBytes(4))).isEqualTo("220 ");
      }
    }
    // Stopped: the data directory is free again.
    Config c = Config.load(dir.resolve("postamt.toml"), true);
    try (Server s = Server.start(c)) {
      assertThat(s.address("smtp")).isPresent();
    }
  }
}
