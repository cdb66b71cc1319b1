package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** UTF8=ACCEPT (RFC 6855): ENABLE, UTF-8 mailbox names and quoted strings, APPEND's UTF8 data item. */
class ImapUtf8AcceptTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
  }

  @Test
  void namesAreUtf8OnceEnabled() throws Exception {
    assertThat(c.run("a CAPABILITY", "a OK *").getFirst().split(" ")).contains("UTF8=ACCEPT");
    c.run("b CREATE \"Projekte/&ANw-bersicht\"", "b OK *"); // modified UTF-7 before ENABLE
    c.runExactly("c ENABLE UTF8=ACCEPT utf8=accept", "* ENABLED UTF8=ACCEPT", "c OK *");
    c.run("d LIST \"\" \"Projekte/*\"", "* LIST (*) \"/\" \"Projekte/Übersicht\"", "d OK *");
    c.run("e CREATE \"Grüße/日本\"", "e OK *");
    c.run("f STATUS \"Grüße/日本\" (MESSAGES)", "* STATUS \"Grüße/日本\" (MESSAGES 0)", "f OK *");
    // RFC 6855 §3: the UTF-8 name is the name; no modified UTF-7 any more
    c.run("g SELECT \"Projekte/Übersicht\"", "g OK *");
  }

  @Test
  void appendUtf8Literal() throws Exception {
    byte[] msg = "Subject: Grüße\r\nFrom: Jörg <jörg@bücher.example>\r\n\r\nHallo\r\n".getBytes(StandardCharsets.UTF_8);
    c.run("a APPEND INBOX UTF8 (~{" + msg.length + "+}\r\n" + new String(msg, StandardCharsets.UTF_8) + ")", "a BAD *");
    c.run("b ENABLE UTF8=ACCEPT", "b OK *");
    c.sendRaw(("c APPEND INBOX (\\Seen) UTF8 (~{" + msg.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
    c.sendRaw(msg);
    c.send(")");
    ImapClient.check(c.until("c"), "c OK [APPENDUID * 1] *");
    c.run("d SELECT INBOX", "d OK *");
    c.run("e FETCH 1 (BODY.PEEK[])", "* 1 FETCH (BODY[] {" + msg.length + "}\r\n" + new String(msg, StandardCharsets.UTF_8) + ")", "e OK *");
    c.runExactly("f SEARCH SUBJECT \"Grüße\"", "* SEARCH 1", "f OK *");
    c.run("g APPEND INBOX UTF8 ({5+}\r\nHallo)", "g BAD *"); // UTF8 takes a literal8 only
    // Angus Mail after ENABLE UTF8=ACCEPT sends ISO-8859-1 octets: not UTF-8, so read as Latin-1
    c.sendRaw("h SEARCH SUBJECT \"gr\u00fc\u00dfe\"\r\n".getBytes(StandardCharsets.ISO_8859_1));
    ImapClient.check(c.until("h"), "* SEARCH 1", "h OK *");
  }
}
