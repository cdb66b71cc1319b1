package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.imap.ImapClient;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * BURL (RFC 4468) on the submission port of the whole server: a draft stored over IMAP, authorized with
 * GENURLAUTH ({@code submit+alice}), sent with BURL alone or mixed with BDAT, and the refusals of §6.
 */
class SmtpBurlTest {
  @RegisterExtension final TestServer t = TestServer.create();

  static final String ALICE = "alice@example.test";
  static final String DRAFT = "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: burl draft\r\n"
      + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
      + "Si vis pacem, para bellum.\r\n--b1--\r\n";
  static final String DRAFTS = "imap://alice%40example.test@mx.example.test/Drafts/;UID=1";

  /** Alice, logged in over IMAP, with {@link #DRAFT} as UID 1 of Drafts. */
  ImapClient draft() throws Exception {
    ImapClient c = t.imapLogin(ALICE);
    c.run("a APPEND Drafts {" + DRAFT.length() + "+}\r\n" + DRAFT, "a OK [APPENDUID * 1] *");
    return c;
  }

  static String gen(ImapClient c, String rump) throws Exception {
    List<String> r = c.run("g GENURLAUTH \"" + rump + "\" INTERNAL", "g OK *");
    Matcher m = Pattern.compile("\\* GENURLAUTH \"(.*)\"").matcher(r.getFirst());
    assertThat(m.matches()).as(r.toString()).isTrue();
    return m.group(1);
  }

  /** Submission after STARTTLS and EHLO; logged in as {@code user} unless null. */
  SmtpScript submission(String user) throws Exception {
    SmtpScript s = t.smtp("submission");
    s.send("EHLO client.example").expect("250 *");
    s.send("STARTTLS").expect("220 *");
    s.upgradeTls();
    s.send("EHLO client.example").expect("250 *");
    if (user != null) {
      s.send("AUTH PLAIN " + SmtpTlsAuthTest.plain(user, TestServer.PASSWORD)).expect("235 *");
    }
    return s;
  }

  @Test
  void advertisedOnSubmissionOnly() throws Exception {
    SmtpScript s = submission(null);
    assertThat(s.lastReply()).contains("250-BURL imap");
    s.send("AUTH PLAIN " + SmtpTlsAuthTest.plain(ALICE, TestServer.PASSWORD)).expect("235 *");
    s.send("EHLO client.example").expect("250 *");
    assertThat(s.lastReply()).contains("250-BURL imap imap://mx.example.test");
    SmtpScript mx = t.smtp("smtp");
    mx.send("EHLO client.example").expect("250 *");
    assertThat(mx.lastReply()).noneMatch(l -> l.contains("BURL"));
    mx.send("BURL imap://x@h/INBOX/;UID=1 LAST").expect("502 5.5.2 *");
  }

  @Test
  void burlSendsTheStoredDraft() throws Exception {
    String url = gen(draft(), DRAFTS + ";URLAUTH=submit+alice%40example.test");
    SmtpScript s = submission(ALICE);
    s.send("MAIL FROM:<alice@example.test>").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    s.send("BURL " + url + " LAST").expect("250 *");
    String got = t.awaitMessageContaining("bob@example.test", "Subject: burl draft");
    assertThat(got).contains("Si vis pacem, para bellum.\r\n--b1--\r\n");
    // the same URL again, pipelined with the envelope
    s.raw("MAIL FROM:<alice@example.test>\r\nRCPT TO:<alice@example.test>\r\nBURL " + url + " LAST\r\n");
    s.expect("250 *").expect("250 *").expect("250 *");
    t.awaitMessageContaining(ALICE, "Subject: burl draft");
  }

  /** RFC 4468 §3.2: BDAT and BURL chunks interleaved; the header from BDAT, the text from a URL of part 1. */
  @Test
  void burlMixedWithBdat() throws Exception {
    String url = gen(draft(), DRAFTS + "/;SECTION=1;URLAUTH=submit+alice%40example.test");
    SmtpScript s = submission(ALICE);
    s.send("MAIL FROM:<alice@example.test>").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    String head = "From: alice@example.test\r\nSubject: mixed chunks\r\n\r\n";
    s.raw("BDAT " + head.length() + "\r\n" + head).expect("250 *");
    s.send("BURL " + url).expect("250 2.5.0 *");
    s.raw("BDAT 2 LAST\r\n\r\n").expect("250 *");
    String got = t.awaitMessageContaining("bob@example.test", "Subject: mixed chunks");
    assertThat(got).endsWith("\r\n\r\nSi vis pacem, para bellum.\r\n");
  }

  @Test
  void refusals() throws Exception {
    ImapClient c = draft();
    String url = gen(c, DRAFTS + ";URLAUTH=submit+alice%40example.test");
    String forBob = gen(c, DRAFTS + ";URLAUTH=submit+bob%40example.test");
    SmtpScript anon = submission(null);
    anon.send("BURL " + url + " LAST").expect("530 5.7.0 *");

    SmtpScript s = submission(ALICE);
    s.send("BURL " + url + " LAST").expect("503 5.5.1 *");
    s.send("BURL").expect("501 5.5.4 *");
    s.send("MAIL FROM:<alice@example.test>").expect("250 *");
    s.send("BURL " + url + " LAST").expect("503 5.5.1 *"); // no recipient yet
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    String tampered = url.substring(0, url.length() - 1) + (url.endsWith("0") ? "1" : "0");
    s.send("BURL " + tampered + " LAST").expect("554 5.7.0 IMAP URL authorization failed*");
    s.send("RCPT TO:<bob@example.test>").expect("503 5.5.1 *"); // the failure ended the transaction
    for (String bad : List.of(forBob, "http://example.com/draft", DRAFTS.replace("alice", "bob"))) {
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("BURL " + bad + " LAST").expect("554 5.7.*");
    }
    assertThat(s.lastReply().getLast()).contains("own messages");
    // a plain URL of her own message is trusted (the EHLO's imap://mx.example.test)
    s.send("MAIL FROM:<alice@example.test>").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    s.send("BURL " + DRAFTS + " LAST").expect("250 *");
    // the message goes: 5.6.6
    c.run("b SELECT Drafts", "b OK *");
    c.run("c STORE 1 +FLAGS (\\Deleted)", "c OK *");
    c.run("d EXPUNGE", "d OK *");
    s.send("MAIL FROM:<alice@example.test>").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    s.send("BURL " + url + " LAST").expect("554 5.6.6 IMAP URL resolution failed: The message is no longer there");
  }

  /** The size limit applies to BURL content as to BDAT (RFC 4468 §6: 5.3.4). */
  @Test
  void sizeLimit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    try (TestServer small = TestServer.start(dir, "[limits]\nmessage_size = 2000\n")) {
      ImapClient c = small.imapLogin(ALICE);
      c.run("a APPEND Drafts {" + DRAFT.length() + "+}\r\n" + DRAFT, "a OK [APPENDUID * 1] *");
      String url = gen(c, DRAFTS + ";URLAUTH=submit+alice%40example.test");
      SmtpScript s = small.smtp("submission");
      s.send("EHLO client.example").expect("250 *");
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      s.send("EHLO client.example").expect("250 *");
      s.send("AUTH PLAIN " + SmtpTlsAuthTest.plain(ALICE, TestServer.PASSWORD)).expect("235 *");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      String start = "Subject: big\r\n\r\n" + "b".repeat(1900 - DRAFT.length() / 2) + "\r\n";
      s.raw("BDAT " + start.length() + "\r\n" + start).expect("250 *");
      s.send("BURL " + url + " LAST").expect("552 5.3.4 *"); // together over 2000 octets
      s.send("RCPT TO:<bob@example.test>").expect("503 5.5.1 *");
    }
  }
}
