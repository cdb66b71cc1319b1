package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connection-level commands: greeting, CAPABILITY, LOGIN, AUTHENTICATE, states, limits, LOGOUT. */
class ImapSessionTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();

  @Test
  void greetingCarriesCapabilities() throws Exception {
    try (ImapClient c = server.connect()) {
      String g = c.greeting();
      assertThat(g).startsWith("* OK [CAPABILITY IMAP4rev1 ").contains("AUTH=PLAIN", "STARTTLS", "IDLE", "UIDPLUS");
      c.run("a CAPABILITY", "* CAPABILITY IMAP4rev1 *", "a OK Capability completed");
      c.run("b NOOP", "b OK NOOP completed");
      c.runExactly("c LOGOUT", "* BYE *", "c OK *");
      assertThat(c.line()).isNull();
    }
  }

  @Test
  void loginAndStates() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.run("a SELECT INBOX", "a BAD *");
      c.run("b LOGIN alice wrong", "b NO [AUTHENTICATIONFAILED] *");
      c.run("c LOGIN alice secret", "c OK [CAPABILITY IMAP4rev1 *] Logged in");
      c.run("d LOGIN alice secret", "d BAD *");
      c.run("e FETCH 1 FLAGS", "e BAD *");
      c.run("f SELECT INBOX", "* 0 EXISTS", "f OK [READ-WRITE] *");
      c.run("g CAPABILITY", "* CAPABILITY *", "g OK *");
    }
  }

  @Test
  void loginWithQuotedAndLiteralStrings() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.send("a LOGIN {5}");
      assertThat(c.line()).startsWith("+ ");
      c.send("alice \"secret\"");
      c.check(c.until("a"), "a OK *");
    }
    try (ImapClient c = server.connect()) {
      c.greeting();
      // LITERAL+: no continuation request
      c.run("a LOGIN {16+}\r\nbob@example.test {6+}\r\nsecret", "a OK *");
    }
  }

  @Test
  void authenticatePlainWithInitialResponseAndContinuation() throws Exception {
    String ir = Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(StandardCharsets.UTF_8));
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.run("a AUTHENTICATE PLAIN " + ir, "a OK [CAPABILITY *] Logged in");
    }
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.send("a AUTHENTICATE PLAIN");
      assertThat(c.line()).isEqualTo("+ ");
      c.send(ir);
      c.check(c.until("a"), "a OK *");
    }
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.send("a AUTHENTICATE PLAIN");
      c.line();
      c.send("*");
      c.check(c.until("a"), "a BAD *");
      c.run("b AUTHENTICATE CRAM-MD5", "b NO *");
      String wrong = Base64.getEncoder().encodeToString("\0alice\0nope".getBytes(StandardCharsets.UTF_8));
      c.run("c AUTHENTICATE PLAIN " + wrong, "c NO [AUTHENTICATIONFAILED] *");
    }
  }

  @Test
  void badInput() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.run("a FOO", "a BAD *");
      c.run("a LOGIN", "a BAD *");
      c.send("");
      c.check(c.until("*"), "* BAD *");
      c.run("b LOGIN alice secret", "b OK *");
      c.run("c SELECT INBOX", "c OK *");
      c.run("d FETCH 1 FLAGS", "d BAD *"); // empty mailbox: message 1 does not exist
      c.run("e FETCH 1:* (FLAGS", "e BAD *");
      c.run("f UID FETCH 1:* FLAGS", "f OK *");
    }
  }

  @Test
  void overlongLineIsRefusedAndSessionContinues() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.send("a NOOP " + "x".repeat(10_000));
      c.check(c.until("*"), "* BAD Command line too long");
      c.run("b NOOP", "b OK *");
      c.run("c LOGIN alice {99999999}", "c NO [TOOBIG] *");
      c.run("d NOOP", "d OK *");
    }
  }

  @Test
  void tooManyBadCommandsEndTheSession() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      for (int i = 0; i < 9; i++) {
        c.run("a" + i + " BOGUS", "a" + i + " BAD *");
      }
      c.send("z BOGUS");
      assertThat(c.line()).startsWith("z BAD");
      assertThat(c.line()).startsWith("* BYE");
    }
  }

  @Test
  void repeatedLoginFailuresCloseTheConnection() throws Exception {
    try (ImapClient c = server.connect()) {
      c.greeting();
      c.run("a LOGIN alice x", "a NO [AUTHENTICATIONFAILED] *");
      c.run("b LOGIN alice y", "b NO [AUTHENTICATIONFAILED] *");
      c.run("c LOGIN alice z", "c NO [AUTHENTICATIONFAILED] *");
      assertThat(c.line()).isNull();
    }
  }

  @Test
  void idNamespaceEnable() throws Exception {
    try (ImapClient c = server.login("alice")) {
      c.run("a ID (\"name\" \"test\")", "* ID (\"name\" \"Postamt\"*)", "a OK *");
      c.run("b ID NIL", "* ID *", "b OK *");
      c.run("c NAMESPACE", "* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared/\" \"/\"))", "c OK *");
      c.run("d ENABLE CONDSTORE X-UNKNOWN", "* ENABLED CONDSTORE", "d OK *");
    }
  }
}
