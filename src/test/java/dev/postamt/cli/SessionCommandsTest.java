package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.imap.ImapClient;
import dev.postamt.pop3.Pop3Client;
import dev.postamt.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt status}, {@code who} and {@code kick} against a running in-process server. */
class SessionCommandsTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("pop3s", "http").user("carol").user("dave").user("erin");

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

  @Test
  void statusNamesPidListenersQueueAndSessions() throws Exception {
    t.imapLogin("dave@example.test");
    CliFixture.Result r = run("status");
    assertThat(r.status()).isZero();
    assertThat(r.out())
        .contains("postamt is running (pid " + ProcessHandle.current().pid() + ")")
        .contains("uptime: ")
        .contains("queue: 0 message(s)")
        .containsPattern("(?m)^  imap +127\\.0\\.0\\.1:" + t.port("imap") + "$")
        .containsPattern("(?m)^  smtp +127\\.0\\.0\\.1:" + t.port("smtp") + "$")
        .containsPattern("(?m)^  http +127\\.0\\.0\\.1:" + t.port("http") + "$")
        .containsPattern("(?m)^  imap +[1-9]\\d*$");
  }

  @Test
  void whoListsLoggedInSessionsAndKickEndsThem() throws Exception {
    ImapClient imap = t.imapLogin("carol@example.test");
    Pop3Client pop3 = t.pop3Login("carol@example.test");

    CliFixture.Result who = run("who");
    assertThat(who.status()).isZero();
    assertThat(who.out())
        .containsPattern("carol@example.test +imap +127\\.0\\.0\\.1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d")
        .containsPattern("carol@example.test +pop3s +127\\.0\\.0\\.1 ");

    CliFixture.Result kick = run("kick", "Carol@example.test");
    assertThat(kick.status()).isZero();
    assertThat(kick.out().strip()).isEqualTo("kicked 2 sessions of Carol@example.test");
    assertThat(imap.line()).isEqualTo("* BYE Disconnected by the administrator");
    pop3.expect("-ERR Disconnected by the administrator");

    for (int i = 0; i < 100 && run("who").out().contains("carol@"); i++) {
      Thread.sleep(20);
    }
    assertThat(run("who").out()).doesNotContain("carol@");
    assertThat(run("kick", "carol@example.test").out().strip()).isEqualTo("kicked 0 sessions of carol@example.test");
  }

  @Test
  void kickEndsWebSessionsToo() throws Exception {
    dev.postamt.web.WebSessionClient web = new dev.postamt.web.WebSessionClient(t);
    assertThat(web.login("erin@example.test", TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    assertThat(web.get("/login/session").statusCode()).isEqualTo(200);
    assertThat(run("kick", "erin@example.test").out().strip()).isEqualTo("kicked 1 session of erin@example.test");
    assertThat(web.get("/login/session").statusCode()).isEqualTo(401);
  }

  @Test
  void withoutAServerStatusSaysSoAndExitsOne(@TempDir Path dir) throws Exception {
    CliFixture cli = new CliFixture(dir);
    CliFixture.Result status = cli.run("status");
    assertThat(status.status()).isEqualTo(1);
    assertThat(status.err().strip()).isEqualTo("postamt is not running (data directory " + cli.data + ")");

    CliFixture.Result who = cli.run("who");
    assertThat(who.status()).isEqualTo(1);
    assertThat(who.err().strip()).isEqualTo("postamt: postamt is not running (data directory " + cli.data + ")");
    CliFixture.Result kick = cli.run("kick", "a@example.test");
    assertThat(kick.status()).isEqualTo(1);
    assertThat(kick.err().lines()).hasSize(1);
  }
}
