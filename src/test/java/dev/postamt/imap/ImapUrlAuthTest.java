package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** URLAUTH (RFC 4467): GENURLAUTH, URLFETCH, RESETKEY; URLAUTH=BINARY (RFC 5524) and URL-PARTIAL (RFC 5550). */
class ImapUrlAuthTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();

  static final String MSG = "From: alice@example.test\r\nSubject: draft\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
      + "--b1\r\nContent-Type: text/plain\r\n\r\nSi vis pacem, para bellum.\r\n--b1\r\nContent-Type: application/octet-stream\r\n"
      + "Content-Transfer-Encoding: base64\r\n\r\nQQBC\r\n--b1--\r\n";
  static final String BASE = "imap://alice%40example.test@imap.example.test/INBOX/;UID=1";

  /** Logs in as {@code user} with {@link #MSG} in alice's INBOX (UID 1). */
  ImapClient alice() throws Exception {
    ImapClient c = server.login("alice@example.test");
    c.run("a APPEND INBOX " + ImapAppendExtensionsTest.lit(MSG), "a OK [APPENDUID * 1] *");
    return c;
  }

  /** The URL of a {@code * GENURLAUTH} response to {@code rump}. */
  static String gen(ImapClient c, String rump) throws Exception {
    List<String> r = c.run("g GENURLAUTH \"" + rump + "\" INTERNAL", "* GENURLAUTH *", "g OK GENURLAUTH completed");
    Matcher m = Pattern.compile("\\* GENURLAUTH \"(.*)\"").matcher(r.getFirst());
    assertThat(m.matches()).isTrue();
    return m.group(1);
  }

  @Test
  void advertisedAndUrlmechOnSelect() throws Exception {
    ImapClient c = alice();
    assertThat(c.run("a CAPABILITY", "a OK *").getFirst().split(" ")).contains("URLAUTH", "URLAUTH=BINARY", "URL-PARTIAL");
    c.run("b SELECT INBOX", "* OK [URLMECH INTERNAL] *", "b OK *");
  }

  /** RFC 4467 §7's example, with our own message: the generated URL is the rump plus :INTERNAL:token. */
  @Test
  void generateAndFetchOwnUrl() throws Exception {
    ImapClient c = alice();
    String rump = BASE + "/;SECTION=1;URLAUTH=user+alice%40example.test";
    String url = gen(c, rump);
    assertThat(url).startsWith(rump + ":INTERNAL:").matches(".*:INTERNAL:01[0-9a-f]{64}");
    c.runExactly("f URLFETCH \"" + url + "\"",
        "* URLFETCH \"" + url + "\" {26}\r\nSi vis pacem, para bellum.", "f OK URLFETCH completed");
    // the same rump gives the same URL while the key stands
    assertThat(gen(c, rump)).isEqualTo(url);
    // a user name without its domain, as imaptest and clients that log in with the local part write it
    String local = gen(c, "imap://alice@imap.example.test/INBOX/;UID=1;URLAUTH=user+alice");
    c.run("g URLFETCH \"" + local + "\"", "* URLFETCH * {" + MSG.length() + "}\r\n*", "g OK *");
    ImapClient b = server.login("bob@example.test");
    b.run("h URLFETCH \"" + local + "\"", "* NO [BADURL *] The URL is for alice only", "h OK *");
  }

  @Test
  void tamperedUrlsAreNilWithBadurl() throws Exception {
    ImapClient c = alice();
    c.run("a APPEND INBOX " + ImapAppendExtensionsTest.lit("Subject: two\r\n\r\nsecond\r\n"), "a OK *");
    String url = gen(c, BASE + ";URLAUTH=authuser");
    String otherUid = url.replace(";UID=1;", ";UID=2;");
    String otherToken = url.substring(0, url.length() - 1) + (url.endsWith("0") ? "1" : "0");
    String otherAccess = url.replace("authuser", "anonymous");
    for (String bad : List.of(otherUid, otherToken, otherAccess)) {
      c.runExactly("f URLFETCH \"" + bad + "\"", "* URLFETCH \"" + bad + "\" NIL",
          "* NO [BADURL \"" + bad + "\"] URLAUTH verification failed*", "f OK URLFETCH completed");
    }
    // several URLs in one command: each answered on its own
    List<String> r = c.run("g URLFETCH \"" + otherToken + "\" \"" + url + "\"", "g OK *");
    assertThat(r).anyMatch(l -> l.equals("* URLFETCH \"" + otherToken + "\" NIL"))
        .anyMatch(l -> l.startsWith("* URLFETCH \"" + url + "\" {" + MSG.length() + "}"));
    // the plain URL (no URLAUTH) and garbage
    c.run("h URLFETCH \"" + BASE + "\" nonsense", "* URLFETCH \"" + BASE + "\" NIL",
        "* NO [BADURL *] Not a URLAUTH-authorized IMAP message URL", "* URLFETCH \"nonsense\" NIL", "h OK *");
  }

  @Test
  void accessIdentifiers() throws Exception {
    ImapClient a = alice();
    String forBob = gen(a, BASE + ";URLAUTH=user+bob%40example.test");
    String submit = gen(a, BASE + ";URLAUTH=submit+alice%40example.test");
    String anyone = gen(a, BASE + ";URLAUTH=authuser");
    a.run("f URLFETCH \"" + forBob + "\"", "* NO [BADURL *] The URL is for bob@example.test only", "f OK *");
    a.run("g URLFETCH \"" + submit + "\"", "* NO [BADURL *] The URL is for the submission server (BURL) only", "g OK *");
    ImapClient b = server.login("bob@example.test");
    // bob reads alice's message through the URL, with alice's rights, though he cannot select her INBOX
    b.run("f URLFETCH \"" + forBob + "\"", "* URLFETCH * {" + MSG.length() + "}\r\n" + MSG, "f OK *");
    b.run("g URLFETCH \"" + anyone + "\"", "* URLFETCH * {" + MSG.length() + "}\r\n*", "g OK *");
    b.run("h URLFETCH \"" + submit + "\"", "* URLFETCH * NIL", "h OK *");
  }

  @Test
  void resetKeyRevokes() throws Exception {
    ImapClient c = alice();
    String url = gen(c, BASE + ";URLAUTH=authuser");
    c.run("a RESETKEY INBOX", "a OK [URLMECH INTERNAL] *");
    c.run("b URLFETCH \"" + url + "\"", "* URLFETCH * NIL", "* NO [BADURL *] URLAUTH verification failed*", "b OK *");
    String again = gen(c, BASE + ";URLAUTH=authuser");
    assertThat(again).isNotEqualTo(url);
    c.run("d URLFETCH \"" + again + "\"", "* URLFETCH * {*", "d OK *");
    c.run("e RESETKEY", "e OK All keys removed");
    c.run("f URLFETCH \"" + again + "\"", "* URLFETCH * NIL", "f OK *");
    c.run("g RESETKEY nosuch", "g NO [NONEXISTENT] *");
    c.run("h RESETKEY INBOX XSAMPLE", "h BAD *");
  }

  @Test
  void expiry() throws Exception {
    ImapClient c = alice();
    String future = gen(c, BASE + ";EXPIRE=2999-01-01T00:00:00Z;URLAUTH=authuser");
    c.run("a URLFETCH \"" + future + "\"", "* URLFETCH * {*", "a OK *");
    // the expiry is covered by the token: moving it is tampering
    String moved = future.replace("2999", "3000");
    c.run("b URLFETCH \"" + moved + "\"", "* NO [BADURL *] URLAUTH verification failed*", "b OK *");
    String past = BASE + ";EXPIRE=2001-01-01T00:00:00Z;URLAUTH=authuser";
    c.run("c GENURLAUTH \"" + past + "\" INTERNAL", "c BAD [BADURL *] The URL would have expired already");
    String expired = past + ":INTERNAL:01" + "ab".repeat(32);
    c.run("d URLFETCH \"" + expired + "\"", "* URLFETCH * NIL", "* NO [BADURL *] The URL has expired", "d OK *");
  }

  @Test
  void genurlauthRefusesWhatItCannotVouchFor() throws Exception {
    ImapClient c = alice();
    c.run("a GENURLAUTH \"" + BASE + "/;SECTION=1.2\" INTERNAL", "a BAD [BADURL *] Not a URL rump*");
    c.run("b GENURLAUTH \"imap://bob%40example.test@h/INBOX/;UID=1;URLAUTH=authuser\" INTERNAL", "b BAD [BADURL *] The URL must name you*");
    c.run("c GENURLAUTH \"imap://alice%40example.test@h/Nosuch/;UID=1;URLAUTH=authuser\" INTERNAL", "c BAD [BADURL *] No such mailbox*");
    c.run("d GENURLAUTH \"" + BASE.replace("UID=1", "UID=9") + ";URLAUTH=authuser\" INTERNAL", "d BAD [BADURL *] No message*");
    c.run("e GENURLAUTH \"" + BASE + ";URLAUTH=friends\" INTERNAL", "e BAD [BADURL *] Unknown access identifier*");
    c.run("f GENURLAUTH \"" + BASE + ";URLAUTH=authuser\" XSAMPLE", "f BAD [BADURL *] Unknown URLAUTH mechanism*");
    c.run("g GENURLAUTH \"imap://alice%40example.test@h/INBOX;UIDVALIDITY=1/;UID=1;URLAUTH=authuser\" INTERNAL",
        "g BAD [BADURL *] UIDVALIDITY*");
  }

  /** URL-PARTIAL (RFC 5550 §5) and the RFC 5524 items: BODYPARTSTRUCTURE and BINARY of the base64 part. */
  @Test
  void partialAndExtendedItems() throws Exception {
    ImapClient c = alice();
    String partial = gen(c, BASE + "/;SECTION=1/;PARTIAL=7.5;URLAUTH=authuser");
    c.runExactly("a URLFETCH \"" + partial + "\"", "* URLFETCH * {5}\r\npacem", "a OK *");
    String part2 = gen(c, BASE + "/;SECTION=2;URLAUTH=authuser");
    c.runExactly("b URLFETCH (\"" + part2 + "\" BODYPARTSTRUCTURE BINARY)",
        "* URLFETCH \"" + part2 + "\" (BODYPARTSTRUCTURE (\"application\" \"octet-stream\" NIL NIL NIL \"binary\" 3 NIL NIL NIL NIL))"
            + " (BINARY ~{3}\r\nA\0B)",
        "b OK *");
    c.runExactly("c URLFETCH (\"" + part2 + "\" BODY)", "* URLFETCH * (BODY {4}\r\nQQBC)", "c OK *");
    c.runExactly("d URLFETCH (\"" + part2 + "\")", "* URLFETCH * (BODY {4}\r\nQQBC)", "d OK *");
    c.run("e URLFETCH (\"" + part2 + "\" BODY BINARY)", "e BAD *");
    String header = gen(c, BASE + "/;SECTION=HEADER;URLAUTH=authuser");
    c.run("f URLFETCH (\"" + header + "\" BINARY)", "* URLFETCH * NIL", "* NO [BADURL *] BINARY and BODYPARTSTRUCTURE need*", "f OK *");
    String whole = gen(c, BASE + ";URLAUTH=authuser");
    c.run("g URLFETCH (\"" + whole + "\" BODYPARTSTRUCTURE)", "* URLFETCH * (BODYPARTSTRUCTURE ((\"text\" \"plain\"*\"mixed\"*))", "g OK *");
  }

  /** RFC 4469 §5: CATENATE takes URLAUTH URLs too, checked as URLFETCH checks them; bob quotes alice's text. */
  @Test
  void catenateWithAuthorizedUrl() throws Exception {
    ImapClient a = alice();
    String forBob = gen(a, BASE + "/;SECTION=1;URLAUTH=user+bob%40example.test");
    String forCarol = gen(a, BASE + "/;SECTION=1;URLAUTH=user+carol%40example.test");
    ImapClient b = server.login("bob@example.test");
    b.run("a APPEND INBOX CATENATE (TEXT " + ImapAppendExtensionsTest.lit("Subject: quote\r\n\r\n") + " URL \"" + forBob + "\")",
        "a OK [APPENDUID * 1] *");
    b.run("b SELECT INBOX", "b OK *");
    b.runExactly("c FETCH 1 BODY.PEEK[TEXT]", "* 1 FETCH (BODY[TEXT] {26}\r\nSi vis pacem, para bellum.)", "c OK *");
    b.run("d APPEND INBOX CATENATE (URL \"" + forCarol + "\")", "d NO [BADURL *] The URL is for carol@example.test only");
  }
}
