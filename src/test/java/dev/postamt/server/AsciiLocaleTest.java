package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose JVM was started without a UTF-8 locale ({@code LC_ALL=C}: file names in ASCII, as in a
 * container or under cron without the launcher): it says so at its start, and a mailbox name outside ASCII
 * is refused with a reply naming the cause and the remedy, not {@code [SERVERBUG]} and a stack trace.
 */
class AsciiLocaleTest {
  @TempDir Path dir;

  @Test
  void aNameTheFileSystemCannotTakeIsRefusedWithTheReason() throws Exception {
    try (Directory d = Directory.open(dir.resolve("data"))) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", "secret".toCharArray());
    }
    int imap = ChildServer.freePort();
    Process server = ChildServer.start(ChildServer.config(dir, "imap = \"127.0.0.1:" + imap + "\""), java.util.List.of(), env -> {
      env.keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
      env.put("LC_ALL", "C");
    });
    try {
      Path log = dir.resolve("postamt.log");
      Instant end = Instant.now().plusSeconds(60);
      while (!(Files.exists(log) && Files.readString(log).contains("postamt ready"))) {
        assertThat(server.isAlive()).as("server running").isTrue();
        assertThat(Instant.now()).as("server ready within a minute").isBefore(end);
        Thread.sleep(20);
      }
      assertThat(Files.readString(log)).contains("mailbox and user names outside ASCII cannot be stored: the server's file"
          + " names are in US-ASCII");
      try (Socket c = new Socket("127.0.0.1", imap)) {
        c.setSoTimeout(20_000);
        var in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = c.getOutputStream();
        assertThat(in.readLine()).startsWith("* OK");
        out.write("a LOGIN alice@example.test secret\r\nb CREATE \"Entw&APw-rfe\"\r\nc CREATE Plain\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        assertThat(tagged(in, "a ")).startsWith("a OK");
        assertThat(tagged(in, "b ")).isEqualTo("b NO [CANNOT] Mailbox names outside ASCII cannot be stored: the server's"
            + " file names are in US-ASCII (the locale it was started in), not UTF-8; start it with LC_ALL=C.UTF-8");
        assertThat(tagged(in, "c ")).startsWith("c OK");
      }
      assertThat(Files.readString(log)).doesNotContain("SERVERBUG").doesNotContain("InvalidPathException");
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  private static String tagged(BufferedReader in, String tag) throws java.io.IOException {
    String line;
    while (!(line = in.readLine()).startsWith(tag)) {
      // untagged data
    }
    return line;
  }
}
