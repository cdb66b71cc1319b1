package dev.postamt.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The managesieve listener of the whole server: the directory's users, data_dir/sieve.db, the goodbye. */
class ManageSieveServerTest {
  @RegisterExtension final TestServer t = TestServer.create().listen("managesieve");

  @Test
  void usersOfTheDirectoryStoreScriptsInTheDataDirectory() throws Exception {
    try (SieveClient c = SieveClient.connect(t.port("managesieve"))) {
      // loopback: SASL is offered before TLS, as IMAP does
      assertThat(c.capabilities()).contains("\"SASL\" \"PLAIN SCRAM-SHA-256\"", "\"STARTTLS\"");
      c.startTls();
      assertThat(c.plain("alice@example.test", TestServer.PASSWORD)).isEqualTo("OK \"Logged in\"");
      c.send("PUTSCRIPT \"main\" \"keep;\"").expect("OK *");
      c.send("SETACTIVE \"main\"").expect("OK *");
    }
    assertThat(t.server.sieveScripts().active("alice@example.test").orElseThrow().text()).isEqualTo("keep;");
    assertThat(t.config.dataDir().resolve("sieve.db")).exists();
  }

  @Test
  void loginsAreLoggedLikeEveryOtherProtocol() throws Exception {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(dev.postamt.net.LoginLog.class);
    appender.start();
    logger.addAppender(appender);
    try (SieveClient c = SieveClient.connect(t.port("managesieve"))) {
      c.capabilities();
      c.startTls();
      assertThat(c.plain("alice@example.test", "wrong")).startsWith("NO");
      assertThat(c.plain("alice@example.test", TestServer.PASSWORD)).startsWith("OK");
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)).contains(
        "login failed: proto=managesieve ip=127.0.0.1 user=<alice@example.test> method=PLAIN tls=yes reason=bad credentials",
        "login ok: proto=managesieve ip=127.0.0.1 user=<alice@example.test> method=PLAIN tls=yes");
  }

  @Test
  void shutdownSaysGoodbye() throws Exception {
    SieveClient c = SieveClient.connect(t.port("managesieve"));
    c.capabilities();
    String ir = Base64.getEncoder().encodeToString("\0bob@example.test\0secret".getBytes(StandardCharsets.UTF_8));
    c.send("AUTHENTICATE \"PLAIN\" \"" + ir + "\"").expect("OK *");
    t.server.close();
    assertThat(c.readLine()).isEqualTo("BYE (TRYLATER) \"Server shutting down\"");
    c.close();
  }
}
