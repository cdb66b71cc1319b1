package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two users, two imaplib clients, one shared folder ({@code imaplib_shared.py}): SETACL/GETACL/MYRIGHTS
 * through imaplib's own methods, each side seeing the other's flag changes and new mail (IDLE too), and
 * a read-only grant refusing STORE with NOPERM.
 */
class ImapSharedFolderPythonTest {
  @TempDir Path dir;

  @Test
  void twoClientsOnOneSharedFolder() throws Exception {
    assumeTrue(ImapPythonInteropTest.havePython(), "python3 not installed");
    Path script = dir.resolve("imaplib_shared.py");
    try (InputStream in = getClass().getResourceAsStream("imaplib_shared.py")) {
      Files.copy(in, script);
    }
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      Process p = new ProcessBuilder("python3", script.toString(), String.valueOf(server.port()))
          .redirectErrorStream(true).start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("OK\n");
    }
  }
}
