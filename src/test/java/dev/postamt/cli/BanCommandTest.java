package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.imap.ImapClient;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postamt ban list|add|remove} against a running server, which sees each change at the next
 * connection. The tests connect from 127.0.0.1, so the config empties {@code relay.networks} (else
 * loopback is never banned).
 */
class BanCommandTest {
  @TempDir Path dir;
  TestServer t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.server.close();
    }
  }

  private CliFixture.Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = java.util.stream.Stream.concat(
            java.util.Arrays.stream(args), java.util.stream.Stream.of("--config", t.dir.resolve("postamt.toml").toString()))
        .toArray(String[]::new);
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, all);
    }
    return new CliFixture.Result(status, out.toString(), err.toString());
  }

  private String firstLine(String service) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.port(service))) {
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  @Test
  void addRefusesTheNextConnectionListShowsItRemoveLiftsIt() throws Exception {
    t = TestServer.start(dir, "[relay]\nnetworks = []\n");
    try (ImapClient before = new ImapClient("127.0.0.1", t.port("imap"))) {
      before.greeting();
    }

    CliFixture.Result add = run("ban", "add", "127.0.0.1", "--for", "2h");
    assertThat(add.status()).as(add.err()).isZero();
    assertThat(add.out().strip()).matches("Banned 127\\.0\\.0\\.1 for 2h, until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    SmtpScript smtp = SmtpScript.connect(t.port("smtp"));
    smtp.expect("554 5.7.1 mx.example.test Error: client 127.0.0.1 is banned until *");
    smtp.close();
    assertThat(firstLine("imap")).startsWith("* BYE client 127.0.0.1 is banned until ");

    CliFixture.Result list = run("ban", "list");
    assertThat(list.status()).isZero();
    assertThat(list.out()).containsPattern("(?m)^127\\.0\\.0\\.1 +until=\\S+Z +count=1  added by the administrator$")
        .contains("-- 1 ban");

    CliFixture.Result remove = run("ban", "remove", "127.0.0.1");
    assertThat(remove.status()).as(remove.err()).isZero();
    assertThat(remove.out().strip()).isEqualTo("Ban of 127.0.0.1 lifted");
    assertThat(firstLine("imap")).startsWith("* OK ");
    assertThat(run("ban", "list").out().strip()).isEqualTo("No bans");
  }

  @Test
  void permanentBansBlocksAndBadInputAreOneLine() throws Exception {
    t = TestServer.start(dir, "[relay]\nnetworks = []\n[ban]\nallow = [\"192.0.2.0/24\"]\n");
    assertThat(run("ban", "add", "198.51.100.9/24", "--for", "permanent").out().strip())
        .isEqualTo("Banned 198.51.100.0/24 permanently");
    assertThat(t.server.bans().banned(java.net.InetAddress.getByName("198.51.100.200"))).isPresent();

    CliFixture.Result notIp = run("ban", "add", "mail.example.test");
    assertThat(notIp.status()).isEqualTo(1);
    assertThat(notIp.err().strip()).isEqualTo(
        "postamt: ban add: \"mail.example.test\" is not an IP address or address block like 192.0.2.0/24");
    CliFixture.Result badFor = run("ban", "add", "192.0.2.200", "--for", "soon");
    assertThat(badFor.err().lines()).singleElement().asString().contains("--for wants a duration");
    CliFixture.Result allowed = run("ban", "add", "192.0.2.200");
    assertThat(allowed.status()).isEqualTo(1);
    assertThat(allowed.err().strip()).contains("is in the allowlist");
    CliFixture.Result missing = run("ban", "remove", "203.0.113.1");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err().strip()).isEqualTo("postamt: ban remove: 203.0.113.1 is not banned");
  }

  @Test
  void withoutAServerTheBanIsWrittenForTheNextStart(@TempDir Path other) throws Exception {
    CliFixture cli = new CliFixture(other);
    CliFixture.Result add = cli.run("ban", "add", "2001:db8::7", "--for", "1d");
    assertThat(add.status()).as(add.err()).isZero();
    assertThat(add.out()).startsWith("Banned 2001:db8::/64 for 1d, until ").contains("(no server running; it applies at start)");
    assertThat(cli.ok("ban", "list").out()).startsWith("2001:db8::/64 ");
  }
}
