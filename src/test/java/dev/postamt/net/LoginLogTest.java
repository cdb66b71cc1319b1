package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postamt.imap.ImapClient;
import dev.postamt.pop3.Pop3Client;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Every login, right or wrong, in every protocol, is one line of the documented format. */
class LoginLogTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("pop3s");

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(LoginLog.class);

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
  }

  private List<String> lines() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void imapLoginsAreLogged() throws Exception {
    try (ImapClient c = new ImapClient("127.0.0.1", t.port("imap"))) {
      c.greeting();
      c.run("A LOGIN alice@example.test wrong", "A NO *");
      c.run("B LOGIN alice@example.test " + TestServer.PASSWORD, "B OK *");
    }
    assertThat(lines()).contains(
        "login failed: proto=imap ip=127.0.0.1 user=<alice@example.test> method=LOGIN tls=no reason=bad credentials",
        "login ok: proto=imap ip=127.0.0.1 user=<alice@example.test> method=LOGIN tls=no");
  }

  @Test
  void pop3LoginsAreLogged() throws Exception {
    try (Pop3Client c = Pop3Client.connectTls(t.port("pop3s"))) {
      c.expect("+OK *");
      c.send("USER bob@example.test").expect("+OK*");
      c.send("PASS wrong").expect("-ERR*");
      c.login("bob@example.test", TestServer.PASSWORD);
    }
    assertThat(lines()).contains(
        "login failed: proto=pop3 ip=127.0.0.1 user=<bob@example.test> method=USER tls=yes reason=bad credentials",
        "login ok: proto=pop3 ip=127.0.0.1 user=<bob@example.test> method=USER tls=yes");
  }

  @Test
  void smtpAuthLoginsAreLogged() throws Exception {
    try (SmtpScript s = SmtpScript.connectTls(t.port("smtps"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("AUTH PLAIN " + plain("alice@example.test", "wrong")).expect("535 *");
      s.send("AUTH LOGIN " + b64("alice@example.test")).expect("334 *");
      s.send(b64(TestServer.PASSWORD)).expect("235 *");
    }
    assertThat(lines()).contains(
        "login failed: proto=smtp ip=127.0.0.1 user=<alice@example.test> method=PLAIN tls=yes reason=bad credentials",
        "login ok: proto=smtp ip=127.0.0.1 user=<alice@example.test> method=LOGIN tls=yes");
  }

  @Test
  void aCraftedUserNameCannotForgeTheAddress() {
    assertThat(LoginLog.clean("x> ip=203.0.113.9 <y\r\n")).isEqualTo("x??ip=203.0.113.9??y??");
  }

  private static String plain(String user, String password) {
    return b64("\0" + user + "\0" + password);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
