package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.testing.ScramClient;
import dev.postamt.testing.ScramUsers;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * AUTHENTICATE SCRAM-SHA-256 (RFC 7677, RFC 9051 §6.2.2) against a real directory: {@code
 * alice@example.test} has SCRAM credentials, {@code carol@example.test} was added with only a password
 * hash (as an import from another server would be) and gets them at her first plain login.
 */
class ImapScramTest {
  @TempDir Path dir;
  @RegisterExtension final ImapTestServer server = ImapTestServer.createStrict(ScramUsers::open);

  ImapClient tls() throws Exception {
    SSLSocket s = (SSLSocket) ImapStartTlsTest.trustAll().getSocketFactory().createSocket("127.0.0.1", server.tlsPort());
    ImapClient c = new ImapClient(s);
    c.greeting();
    return c;
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The text of a {@code + base64} continuation, decoded. */
  static String challenge(String line) {
    assertThat(line).startsWith("+ ");
    return new String(Base64.getDecoder().decode(line.substring(2)), StandardCharsets.UTF_8);
  }

  @Test
  void offeredBesidePlainOnlyWhereLoginIsAllowed() throws Exception {
    try (ImapClient c = server.connect()) {
      assertThat(c.greeting()).contains("LOGINDISABLED").doesNotContain(" AUTH=");
      c.run("a AUTHENTICATE SCRAM-SHA-256 " + b64(new ScramClient("alice@example.test", "pencil").clientFirst()),
          "a NO [PRIVACYREQUIRED] *");
    }
    try (ImapClient c = tls()) {
      c.run("a CAPABILITY", "* CAPABILITY * AUTH=SCRAM-SHA-256 AUTH=PLAIN*", "a OK *");
      c.run("b CAPABILITY", "b OK *").forEach(l -> assertThat(l).doesNotContain("LOGINDISABLED"));
    }
  }

  /** SASL LOGIN (for older clients): "Username:" and "Password:" challenges, or the user given at once. */
  @Test
  void authenticateLoginForOlderClients() throws Exception {
    try (ImapClient c = tls()) {
      c.send("a AUTHENTICATE LOGIN");
      assertThat(challenge(c.line())).isEqualTo("Username:");
      c.send(b64("alice@example.test"));
      assertThat(challenge(c.line())).isEqualTo("Password:");
      c.send(b64("pencil"));
      c.check(c.until("a"), "a OK [CAPABILITY IMAP4rev1 *] Logged in");
    }
    try (ImapClient c = tls()) {
      c.send("a AUTHENTICATE LOGIN " + b64("alice@example.test"));
      assertThat(challenge(c.line())).isEqualTo("Password:");
      c.send(b64("wrong"));
      c.check(c.until("a"), "a NO [AUTHENTICATIONFAILED] *");
    }
    try (ImapClient c = server.connect()) {
      c.run("a AUTHENTICATE LOGIN", "a NO [PRIVACYREQUIRED] *");
    }
  }

  @Test
  void withInitialResponse() throws Exception {
    try (ImapClient c = tls()) {
      ScramClient scram = new ScramClient("Alice@Example.TEST", "pencil");
      c.send("a AUTHENTICATE SCRAM-SHA-256 " + b64(scram.clientFirst()));
      String serverFirst = challenge(c.line());
      assertThat(serverFirst).matches("r=fyko\\+d2lbbFgONRv9qkxdawL.+,s=.+,i=4096");
      c.send(b64(scram.clientFinal(serverFirst)));
      String serverFinal = challenge(c.line());
      assertThat(scram.verifyServer(serverFinal)).as(serverFinal).isTrue();
      c.send("");
      c.check(c.until("a"), "a OK [CAPABILITY IMAP4rev1 *] Logged in");
      c.run("b SELECT INBOX", "b OK [READ-WRITE] *");
    }
  }

  @Test
  void withoutInitialResponse() throws Exception {
    try (ImapClient c = tls()) {
      ScramClient scram = new ScramClient("alice@example.test", "pencil");
      c.send("a AUTHENTICATE SCRAM-SHA-256");
      assertThat(c.line()).isEqualTo("+ ");
      c.send(b64(scram.clientFirst()));
      c.send(b64(scram.clientFinal(challenge(c.line()))));
      assertThat(scram.verifyServer(challenge(c.line()))).isTrue();
      c.send("");
      c.check(c.until("a"), "a OK *");
    }
  }

  @Test
  void wrongPasswordUnknownUserAndHashOnlyUserFailAlike() throws Exception {
    try (ImapClient c = tls()) {
      for (String[] u : new String[][] {{"alice@example.test", "pen"}, {"ghost@example.test", "x"}}) {
        ScramClient scram = new ScramClient(u[0], u[1]);
        c.send("a AUTHENTICATE SCRAM-SHA-256 " + b64(scram.clientFirst()));
        c.send(b64(scram.clientFinal(challenge(c.line()))));
        c.check(c.until("a"), "a NO [AUTHENTICATIONFAILED] Authentication failed");
      }
    }
    try (ImapClient c = tls()) {
      ScramClient carol = new ScramClient("carol@example.test", "crayon");
      c.send("a AUTHENTICATE SCRAM-SHA-256 " + b64(carol.clientFirst()));
      c.send(b64(carol.clientFinal(challenge(c.line()))));
      c.check(c.until("a"), "a NO [AUTHENTICATIONFAILED] *");
      c.run("b LOGIN carol@example.test crayon", "b OK *");
    }
    try (ImapClient c = tls()) {
      ScramClient carol = new ScramClient("carol@example.test", "crayon");
      c.send("a AUTHENTICATE SCRAM-SHA-256 " + b64(carol.clientFirst()));
      c.send(b64(carol.clientFinal(challenge(c.line()))));
      assertThat(carol.verifyServer(challenge(c.line()))).isTrue();
      c.send("");
      c.check(c.until("a"), "a OK *");
    }
  }

  @Test
  void cancelBadBase64AndMalformedMessages() throws Exception {
    try (ImapClient c = tls()) {
      c.run("a AUTHENTICATE SCRAM-SHA-256 *", "a BAD *");
      c.run("b AUTHENTICATE SCRAM-SHA-256 =AAA", "b BAD Invalid base64");
      ScramClient scram = new ScramClient("alice@example.test", "pencil");
      c.send("c AUTHENTICATE SCRAM-SHA-256 " + b64(scram.clientFirst()));
      c.line();
      c.send("*");
      c.check(c.until("c"), "c BAD Authentication aborted");
      c.send("d AUTHENTICATE SCRAM-SHA-256 " + b64(scram.clientFirst()));
      c.line();
      c.send("not base64!");
      c.check(c.until("d"), "d BAD Invalid base64");
      // a syntactically wrong SCRAM message is a failed login, not a protocol error
      c.run("e AUTHENTICATE SCRAM-SHA-256 " + b64("garbage"), "e NO [AUTHENTICATIONFAILED] *");
      c.run("f LOGIN alice@example.test pencil", "f OK *");
    }
  }

  @Test
  void anAnswerToTheServerSignatureMustBeEmpty() throws Exception {
    try (ImapClient c = tls()) {
      ScramClient scram = new ScramClient("alice@example.test", "pencil");
      c.send("a AUTHENTICATE SCRAM-SHA-256 " + b64(scram.clientFirst()));
      c.send(b64(scram.clientFinal(challenge(c.line()))));
      challenge(c.line());
      c.send(b64("extra"));
      c.check(c.until("a"), "a NO [AUTHENTICATIONFAILED] *");
      c.run("b SELECT INBOX", "b BAD *");
    }
  }

  @Test
  void failuresCountTowardTheLimitWithLogin() throws Exception {
    try (ImapClient c = tls()) {
      c.run("a LOGIN alice@example.test wrong", "a NO [AUTHENTICATIONFAILED] *");
      for (String tag : new String[] {"b", "c"}) {
        ScramClient scram = new ScramClient("alice@example.test", "wrong");
        c.send(tag + " AUTHENTICATE SCRAM-SHA-256 " + b64(scram.clientFirst()));
        c.send(b64(scram.clientFinal(challenge(c.line()))));
        c.check(c.until(tag), tag + " NO [AUTHENTICATIONFAILED] *");
      }
      assertThat(c.line()).isNull(); // the third failure (limit 3) ends the connection
    }
  }

  @Test
  void pythonClient() throws Exception {
    assumeTrue(ImapPythonInteropTest.havePython(), "python3 not installed");
    Path script = dir.resolve("imaplib_scram.py");
    try (InputStream in = getClass().getResourceAsStream("imaplib_scram.py")) {
      Files.copy(in, script);
    }
    assertThat(python(script, "alice@example.test", "pencil")).isEqualTo("OK\n");
    assertThat(python(script, "alice@example.test", "crayon")).isEqualTo("NO\n");
  }

  private String python(Path script, String user, String password) throws Exception {
    Process p = new ProcessBuilder("python3", script.toString(), String.valueOf(server.port()), user, password)
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
