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
 * Python's imaplib against the server: plain LOGIN, STARTTLS + AUTHENTICATE PLAIN, and SORT / THREAD
 * over a COMPRESS=DEFLATE connection (imaplib's sort() and thread(), its socket wrapped in zlib).
 */
class ImapPythonInteropTest {
  @TempDir Path dir;

  static boolean havePython() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  String runScript(int port, String mode) throws Exception {
    return run("imaplib_client.py", String.valueOf(port), mode);
  }

  String run(String name, String... args) throws Exception {
    Path script = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream(name)) {
      Files.copy(in, script);
    }
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("python3", script.toString()));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void plainLogin() throws Exception {
    assumeTrue(havePython(), "python3 not installed");
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      assertThat(runScript(server.port(), "plain")).isEqualTo("OK\n");
    }
  }

  @Test
  void startTlsThenAuthenticatePlain() throws Exception {
    assumeTrue(havePython(), "python3 not installed");
    try (ImapTestServer server = ImapTestServer.startStrict(dir)) {
      assertThat(runScript(server.port(), "starttls")).isEqualTo("OK\n");
    }
  }

  @Test
  void sortAndThreadOverCompress() throws Exception {
    assumeTrue(havePython(), "python3 not installed");
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      assertThat(run("imaplib_sort.py", String.valueOf(server.port()))).isEqualTo("OK\n");
    }
  }

  /** CONTEXT=SEARCH / CONTEXT=SORT: imaplib collects the unsolicited ESEARCH ADDTO / REMOVEFROM updates. */
  @Test
  void searchAndSortContextsStayLive() throws Exception {
    assumeTrue(havePython(), "python3 not installed");
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      assertThat(run("imaplib_context.py", String.valueOf(server.port()))).isEqualTo("OK\n");
    }
  }

  /** OBJECTID, SAVEDATE, WITHIN and PREVIEW through imaplib's fetch, search and status. */
  @Test
  void objectIdSaveDateWithinPreview() throws Exception {
    assumeTrue(havePython(), "python3 not installed");
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      assertThat(run("imaplib_objectid.py", String.valueOf(server.port()))).isEqualTo("OK\n");
    }
  }
}
