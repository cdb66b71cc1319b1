package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.BlobStore;
import dev.postamt.store.StoreTesting;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MULTIAPPEND (RFC 3502), CATENATE (RFC 4469) and REPLACE (RFC 8508), their RFC examples first. */
class ImapAppendExtensionsTest {
  @TempDir Path dir;

  static String lit(String text) {
    return "{" + text.length() + "+}\r\n" + text;
  }

  static final String MSG1 = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\nFrom: Fred Foobar <foobar@Blurdybloop.example.COM>\r\n"
      + "Subject: afternoon meeting\r\nTo: mooch@owatagu.example.net\r\n\r\nHello Joe, do you think we can meet at 3:30 tomorrow?\r\n";
  static final String MSG2 = "Date: Mon, 7 Feb 1994 22:43:04 -0800 (PST)\r\nFrom: Joe Mooch <mooch@OWaTaGu.example.net>\r\n"
      + "Subject: Re: afternoon meeting\r\n\r\n3:30 is fine with me.\r\n";

  /** RFC 3502 §6.3.11 example: two messages, one APPENDUID with both UIDs. */
  @Test
  void multiappendStoresBothWithOneAppendUid() throws Exception {
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient c = server.login("alice");
      assertThat(c.run("a CAPABILITY", "a OK *").getFirst().split(" ")).contains("MULTIAPPEND", "CATENATE", "REPLACE");
      c.run("b CREATE saved-messages", "b OK *");
      List<String> r = c.run("c APPEND saved-messages (\\Seen) " + lit(MSG1)
          + " (\\Seen) \" 1-Jul-2002 22:45:00 +0200\" " + lit(MSG2), "c OK [APPENDUID * 1:2] APPEND completed");
      assertThat(r).hasSize(1);
      c.run("d SELECT saved-messages", "* 2 EXISTS", "d OK *");
      c.runExactly("e FETCH 1:2 (FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
          "* 1 FETCH (FLAGS (\\Seen \\Recent) INTERNALDATE \"*\" BODY[HEADER.FIELDS (SUBJECT)] {30}\r\nSubject: afternoon meeting\r\n\r\n)",
          "* 2 FETCH (FLAGS (\\Seen \\Recent) INTERNALDATE \"01-Jul-2002 *\" BODY[HEADER.FIELDS (SUBJECT)] {34}\r\n"
              + "Subject: Re: afternoon meeting\r\n\r\n)",
          "e OK *");
      // RFC 3502: all or nothing. A bad second message (no literal, an unknown flag, zero bytes) stores neither.
      c.run("f APPEND saved-messages " + lit(MSG1) + " {0+}\r\n", "f NO *");
      c.run("g APPEND saved-messages " + lit(MSG1) + " (\\Bogus) " + lit(MSG2), "g BAD *");
      c.run("h APPEND nosuch " + lit(MSG1) + " " + lit(MSG2), "h NO [TRYCREATE] *");
      c.run("i STATUS saved-messages (MESSAGES UIDNEXT)", "* STATUS * (MESSAGES 2 UIDNEXT 3)", "i OK *");
    }
  }

  /** A store that fails the third message half-way: the two stored before it are taken back. */
  @Test
  void multiappendFailingHalfWayLeavesNothing() throws Exception {
    String failing = "Subject: x\r\n\r\n" + "f".repeat(100) + "\r\n";
    long failSize = failing.length();
    java.util.function.UnaryOperator<BlobStore> wrap = real -> (BlobStore) Proxy.newProxyInstance(
        BlobStore.class.getClassLoader(), new Class<?>[] {BlobStore.class}, (proxy, m, args) -> {
          if (m.getName().equals("put") && (long) args[2] == failSize) {
            throw new IOException("No space left on device");
          }
          try {
            return m.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    try (ImapTestServer server = ImapTestServer.start(dir, d -> StoreTesting.store(d, 0, wrap))) {
      ImapClient c = server.login("alice");
      c.run("a APPEND INBOX " + lit(MSG1) + " " + lit(MSG2) + " " + lit(failing), "a NO [OVERQUOTA] *");
      c.run("b SELECT INBOX", "* 0 EXISTS", "b OK *");
      c.run("c APPEND INBOX " + lit(MSG1), "c OK [APPENDUID * 3] *"); // UIDs 1 and 2 were used and taken back
    }
  }

  static final String DRAFT = "From: alice@example.test\r\nSubject: draft\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
      + "--b1\r\nContent-Type: text/plain\r\n\r\nFirst draft text\r\n--b1\r\nContent-Type: application/octet-stream\r\n"
      + "Content-Transfer-Encoding: base64\r\n\r\nQUJD\r\n--b1--\r\n";

  /**
   * RFC 4469 §3 example, adapted: a new draft made of the old one's header and attachment with new text,
   * each URL a part of the draft as BODY.PEEK[section] gives it.
   */
  @Test
  void catenateJoinsTextAndUrlParts() throws Exception {
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient c = server.login("alice");
      String uv = c.run("a APPEND Drafts (\\Draft) " + lit(DRAFT), "a OK [APPENDUID * 1] *").getLast().split(" ")[3];
      String base = "/Drafts;UIDVALIDITY=" + uv + "/;UID=1";
      String text = "--b1\r\nContent-Type: text/plain\r\n\r\nSecond draft text\r\n--b1";
      c.run("b APPEND Drafts (\\Seen \\Draft $MDNSent) CATENATE (URL \"" + base + "/;SECTION=HEADER\" TEXT " + lit(text + "\r\n")
          + " URL \"" + base + "/;SECTION=2.MIME\" URL \"" + base + "/;SECTION=2\" TEXT " + lit("\r\n--b1--\r\n") + ")",
          "b OK [APPENDUID " + uv + " 2] APPEND completed");
      String expected = "From: alice@example.test\r\nSubject: draft\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
          + text + "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\nQUJD\r\n--b1--\r\n";
      c.run("c SELECT Drafts", "c OK *");
      c.runExactly("d FETCH 2 (FLAGS BODY.PEEK[])",
          "* 2 FETCH (FLAGS ($MDNSent \\Draft \\Seen \\Recent) BODY[] {" + expected.length() + "}\r\n" + expected + ")", "d OK *");
      c.run("e FETCH 2 (BODY.PEEK[2])", "* 2 FETCH (BODY[2] {4}\r\nQUJD)", "e OK *");
      // the whole message, an absolute URL of the same user, a partial, and a percent-encoded mailbox name
      c.run("f CREATE \"a b\"", "f OK *");
      c.run("g APPEND \"a b\" CATENATE (URL \"imap://alice%40example.test@imap.example.test" + base + "\")", "g OK [APPENDUID * 1] *");
      c.run("h APPEND INBOX CATENATE (URL \"/a%20b/;UID=1/;PARTIAL=0.4\" TEXT {3+}\r\n: x)", "h OK *");
      c.run("i SELECT INBOX", "i OK *");
      c.runExactly("j FETCH 1 BODY.PEEK[]", "* 1 FETCH (BODY[] {7}\r\nFrom: x)", "j OK *");
    }
  }

  @Test
  void catenateRefusesBadUrlsAndStoresNothing() throws Exception {
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient c = server.login("alice");
      String uv = c.run("a APPEND Drafts " + lit(DRAFT), "a OK *").getLast().split(" ")[3];
      String[] bad = {
        "/Drafts;UIDVALIDITY=" + (Long.parseLong(uv) + 1) + "/;UID=1", // UIDVALIDITY changed
        "/Drafts/;UID=2", // no such message
        "/Nosuch/;UID=1",
        "/Drafts/;UID=1/;SECTION=BOGUS",
        "/Drafts/;UID=1/;URLAUTH=anonymous",
        "imap://bob%40example.test@imap.example.test/Drafts/;UID=1", // another user's mailbox
        "imap://imap.example.test/Drafts/;UID=1",
        "http://example.test/",
        "/Drafts;UID=1",
      };
      int k = 0;
      for (String url : bad) {
        c.run("b" + k + " APPEND Drafts CATENATE (TEXT {4+}\r\nx: y URL \"" + url + "\")",
            "b" + k + " NO [BADURL \"" + url + "\"] *");
        k++;
      }
      c.run("c APPEND Drafts CATENATE (FOO \"x\")", "c BAD *");
      c.run("d APPEND Drafts CATENATE ()", "d BAD *");
      c.run("e APPEND Nosuch CATENATE (URL \"/Drafts/;UID=99\")", "e NO [TRYCREATE] *"); // §5: TRYCREATE first
      c.run("f STATUS Drafts (MESSAGES)", "* STATUS * (MESSAGES 1)", "f OK *");
    }
  }

  /** RFC 8508 §4 example: the new draft appended, the old one expunged, APPENDUID in an untagged OK. */
  @Test
  void replaceAppendsThenExpunges() throws Exception {
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      ImapClient c = server.login("alice");
      for (int i = 1; i <= 4; i++) {
        c.run("a" + i + " APPEND Drafts (\\Draft) " + lit("Subject: draft " + i + "\r\n\r\nbody\r\n"), "a" + i + " OK *");
      }
      c.run("b SELECT Drafts", "* 4 EXISTS", "b OK *");
      c.runExactly("c REPLACE 4 Drafts (\\Seen \\Draft) " + lit("Subject: draft 4, revised\r\n\r\nbody\r\n"),
          "* OK [APPENDUID * 5] Replacement message ready", "* 4 EXPUNGE", "* 4 EXISTS", "* 4 RECENT", "c OK REPLACE completed");
      c.runExactly("d UID REPLACE 2 Sent " + lit("Subject: sent\r\n\r\nbody\r\n"),
          "* OK [APPENDUID * 1] Replacement message ready", "* 2 EXPUNGE", "d OK REPLACE completed");
      c.runExactly("e FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
          "* 1 FETCH (UID 1 BODY[HEADER.FIELDS (SUBJECT)] {*}\r\nSubject: draft 1\r\n\r\n)",
          "* 2 FETCH (UID 3 BODY[HEADER.FIELDS (SUBJECT)] {*}\r\nSubject: draft 3\r\n\r\n)",
          "* 3 FETCH (UID 5 BODY[HEADER.FIELDS (SUBJECT)] {*}\r\nSubject: draft 4, revised\r\n\r\n)", "e OK *");
      // nothing is expunged when the new message cannot be stored, or the old one is not there
      c.run("f REPLACE 1 Nosuch " + lit("Subject: x\r\n\r\ny\r\n"), "f NO [TRYCREATE] *");
      c.run("g UID REPLACE 2 Drafts " + lit("Subject: x\r\n\r\ny\r\n"), "g NO *");
      c.run("h REPLACE 9 Drafts " + lit("Subject: x\r\n\r\ny\r\n"), "h NO *");
      c.run("i REPLACE 1 Drafts {0+}\r\n", "i NO *");
      c.run("j STATUS Drafts (MESSAGES)", "* STATUS * (MESSAGES 3)", "j OK *");
      c.run("k EXAMINE Drafts", "k OK *");
      c.run("l REPLACE 1 Drafts " + lit("Subject: x\r\n\r\ny\r\n"), "l NO [READ-ONLY] *");
      c.run("m UNSELECT", "m OK *");
      c.run("n REPLACE 1 Drafts " + lit("Subject: x\r\n\r\ny\r\n"), "n BAD *");
    }
  }
}
