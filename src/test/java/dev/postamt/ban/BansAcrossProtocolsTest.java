package dev.postamt.ban;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.imap.ImapClient;
import dev.postamt.pop3.Pop3Client;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed IMAP logins ban the client in every protocol, refused at connect before the greeting. The
 * tests connect from 127.0.0.1, which the default allowlist ({@code relay.networks}) holds, so the
 * config here empties {@code relay.networks}.
 */
class BansAcrossProtocolsTest {
  static final String TOML = """
      pop3 = "127.0.0.1:0"
      managesieve = "127.0.0.1:0"
      [relay]
      networks = []
      [ban]
      auth_failures = 10
      """;

  @TempDir Path dir;
  TestServer t;

  @AfterEach
  void stop() throws Exception {
    if (t != null) {
      t.server.close();
    }
  }

  /** One failed IMAP login on its own connection; a fresh account name each time, so no per-account delay builds up. */
  private void failImapLogin(int i) throws Exception {
    try (ImapClient c = new ImapClient("127.0.0.1", t.port("imap"))) {
      c.greeting();
      c.run("A LOGIN nobody" + i + "@example.test wrong", "A NO *");
    }
  }

  /** Failed logins {@code from} … {@code from + n - 1}, at once (IMAP pauses before each NO). */
  private void failImapLogins(int from, int n) throws Exception {
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Object>> done = new java.util.ArrayList<>();
      for (int i = from; i < from + n; i++) {
        int k = i;
        done.add(pool.submit(() -> {
          failImapLogin(k);
          return null;
        }));
      }
      for (var f : done) {
        f.get();
      }
    }
  }

  private static String firstLine(int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String line = r.readLine();
      assertThat(r.readLine()).as("the server closes after the refusal").isNull();
      return line;
    }
  }

  @Test
  void tenFailedImapLoginsGetTheClientRefusedInEveryProtocol() throws Exception {
    t = TestServer.start(dir, TOML);
    failImapLogins(0, 9);
    t.smtp("smtp").send("QUIT").expect("221 *"); // nine are not enough
    failImapLogin(9);

    SmtpScript smtp = SmtpScript.connect(t.port("smtp"));
    smtp.expect("554 5.7.1 mx.example.test Error: client 127.0.0.1 is banned until *");
    smtp.close();
    try (Pop3Client pop3 = Pop3Client.connect(t.port("pop3"))) {
      pop3.expect("-ERR [SYS/TEMP] client 127.0.0.1 is banned until *");
    }
    assertThat(firstLine(t.port("imap"))).startsWith("* BYE client 127.0.0.1 is banned until ");
    assertThat(firstLine(t.port("managesieve"))).startsWith("BYE (TRYLATER) \"client 127.0.0.1 is banned until ");
    assertThat(t.server.bans().active()).singleElement().satisfies(e -> {
      assertThat(e.network()).isEqualTo("127.0.0.1");
      assertThat(e.reason()).isEqualTo("auth failures: 10 in 10m");
    });
  }

  @Test
  void failuresInDifferentProtocolsAddUp() throws Exception {
    t = TestServer.start(dir, TOML);
    failImapLogins(0, 5);
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<Object>> done = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int k = i;
        done.add(pool.submit(() -> {
          try (Pop3Client pop3 = Pop3Client.connect(t.port("pop3"))) {
            pop3.expect("+OK *");
            pop3.send("USER other" + k + "@example.test").expect("+OK*");
            pop3.send("PASS wrong").expect("-ERR *");
          }
          return null;
        }));
      }
      for (var f : done) {
        f.get();
      }
    }
    assertThat(t.server.bans().banned(InetAddress.getByName("127.0.0.1"))).isPresent();
    assertThat(firstLine(t.port("imap"))).startsWith("* BYE client 127.0.0.1 is banned");
  }

  @Test
  void aReloadedBanSectionAppliesToTheNextFailures() throws Exception {
    t = TestServer.start(dir, TOML);
    Path cfg = t.dir.resolve("postamt.toml");
    java.nio.file.Files.writeString(cfg, java.nio.file.Files.readString(cfg).replace("auth_failures = 10", "auth_failures = 2"));
    assertThat(t.server.reload()).anyMatch(l -> l.startsWith("ban changed: applied"));
    failImapLogins(0, 2);
    assertThat(firstLine(t.port("smtp"))).startsWith("554 5.7.1 ");
  }

  @Test
  void aBanOutlivesARestart() throws Exception {
    t = TestServer.start(dir, TOML);
    t.server.bans().add("127.0.0.1", java.util.Optional.of(java.time.Duration.ofHours(1)), "test");
    t.server.close();
    try (dev.postamt.server.Server again = dev.postamt.server.Server.start(t.config)) {
      assertThat(again.bans().banned(InetAddress.getByName("127.0.0.1"))).isPresent();
      assertThat(firstLine(again.address("imap").orElseThrow().getPort())).startsWith("* BYE client 127.0.0.1 is banned");
    }
  }

  @Test
  void withTheDefaultRelayNetworksLoopbackIsNeverBanned() throws Exception {
    t = TestServer.start(dir, "[ban]\nauth_failures = 2\n");
    failImapLogins(0, 3);
    assertThat(t.server.bans().active()).isEmpty();
    t.smtp("smtp").send("QUIT").expect("221 *");
  }
}
