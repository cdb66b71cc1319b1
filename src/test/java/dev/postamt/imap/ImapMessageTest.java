package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE, CLOSE, UNSELECT and their UID forms. */
class ImapMessageTest {
  static final String SIMPLE =
      "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
          + "From: Fred Foobar <foobar@Blurdybloop.example>\r\n"
          + "Subject: afternoon meeting\r\n"
          + "To: mooch@owatagu.example, \"Group Joe\" <joe@example.test>\r\n"
          + "Message-Id: <B27397-0100000@Blurdybloop.example>\r\n"
          + "MIME-Version: 1.0\r\n"
          + "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
          + "\r\n"
          + "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n";

  static final String MULTI =
      "From: Ann <ann@example.test>\r\n"
          + "To: undisclosed-recipients:;\r\n"
          + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
          + "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
          + "\r\n"
          + "preamble\r\n"
          + "--XX\r\n"
          + "Content-Type: text/plain; charset=utf-8\r\n"
          + "Content-Transfer-Encoding: quoted-printable\r\n"
          + "\r\n"
          + "K=C3=A4se und Brot\r\n"
          + "--XX\r\n"
          + "Content-Type: message/rfc822\r\n"
          + "\r\n"
          + "Subject: inner\r\n"
          + "From: inner@example.test\r\n"
          + "\r\n"
          + "inner body\r\n"
          + "--XX\r\n"
          + "Content-Type: application/octet-stream; name=\"a.bin\"\r\n"
          + "Content-Disposition: attachment; filename=\"a.bin\"\r\n"
          + "Content-Transfer-Encoding: base64\r\n"
          + "\r\n"
          + "AAEC\r\n"
          + "--XX--\r\n"
          + "epilogue\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
    append(SIMPLE, "(\\Flagged)");
    append(MULTI, "()");
    append("Subject: third\r\n\r\nthird body\r\n", "($Important)");
    c.run("s SELECT INBOX", "* 3 EXISTS", "s OK *");
  }

  void append(String msg, String flags) throws Exception {
    c.run("ap APPEND INBOX " + flags + " {" + msg.length() + "+}\r\n" + msg, "ap OK *");
  }

  /** Keywords are bounded: 50 characters each, 128 different ones per mailbox (then no \\* any more). */
  @Test
  void keywordsHaveLimits() throws Exception {
    c.run("a STORE 1 +FLAGS (" + "k".repeat(51) + ")", "a NO [LIMIT] Keyword too long *");
    c.run("b STORE 1 +FLAGS (" + "k".repeat(50) + ")", "b OK *");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 126; i++) { // with $Important and the 50-k one: 128
      many.append(i == 0 ? "" : " ").append("kw").append(i);
    }
    c.run("c STORE 2 +FLAGS.SILENT (" + many + ")", "c OK *");
    c.run("d STORE 3 +FLAGS (one-more)", "d NO [LIMIT] Too many different keywords *");
    c.run("e STORE 3 +FLAGS (kw7)", "* 3 FETCH *", "e OK *");
    c.run("f SELECT INBOX", "* FLAGS *", "* OK [PERMANENTFLAGS (*\\Draft * kw99)] *", "f OK *");
  }

  @Test
  void fetchSimpleItems() throws Exception {
    c.run("a FETCH 1 (FLAGS RFC822.SIZE UID)",
        "* 1 FETCH (FLAGS (\\Flagged \\Recent) RFC822.SIZE " + SIMPLE.length() + " UID 1)", "a OK *");
    c.run("b FETCH 1:* FAST", "* 1 FETCH (FLAGS *", "* 2 FETCH *", "* 3 FETCH (FLAGS ($Important \\Recent) *", "b OK *");
    c.run("c UID FETCH 2:3 FLAGS", "* 2 FETCH (UID 2 FLAGS (\\Recent))", "* 3 FETCH (UID 3 *", "c OK *");
    c.run("d FETCH 1 ENVELOPE",
        "* 1 FETCH (ENVELOPE (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"afternoon meeting\" "
            + "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example\")) "
            + "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example\")) "
            + "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example\")) "
            + "((NIL NIL \"mooch\" \"owatagu.example\")(\"Group Joe\" NIL \"joe\" \"example.test\")) "
            + "NIL NIL NIL \"<B27397-0100000@Blurdybloop.example>\"))",
        "d OK *");
    c.run("e FETCH 2 ENVELOPE", "* 2 FETCH (ENVELOPE (NIL \"=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\" * "
        + "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL))", "e OK *");
  }

  @Test
  void fetchBodyStructure() throws Exception {
    c.run("a FETCH 1 BODYSTRUCTURE",
        "* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" (\"charset\" \"US-ASCII\") NIL NIL \"7bit\" 55 1 NIL NIL NIL NIL))",
        "a OK *");
    c.run("b FETCH 1 BODY", "* 1 FETCH (BODY (\"text\" \"plain\" (\"charset\" \"US-ASCII\") NIL NIL \"7bit\" 55 1))", "b OK *");
    c.run("c FETCH 2 BODYSTRUCTURE",
        "* 2 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 18 1 NIL NIL NIL NIL)"
            + "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 54 (NIL \"inner\" ((NIL NIL \"inner\" \"example.test\"))*"
            + "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1 NIL NIL NIL NIL) 4 NIL NIL NIL NIL)"
            + "(\"application\" \"octet-stream\" (\"name\" \"a.bin\") NIL NIL \"base64\" 4 NIL (\"attachment\" (\"filename\" \"a.bin\")) NIL NIL)"
            + " \"mixed\" (\"boundary\" \"XX\") NIL NIL NIL))",
        "c OK *");
  }

  @Test
  void fetchSectionsAndPartials() throws Exception {
    c.run("a FETCH 2 BODY.PEEK[1]", "* 2 FETCH (BODY[1] {18}\r\nK=C3=A4se und Brot)", "a OK *");
    c.run("b FETCH 2 BODY.PEEK[2.HEADER]", "* 2 FETCH (BODY[2.HEADER] {44}\r\nSubject: inner\r\nFrom: inner@example.test\r\n\r\n)", "b OK *");
    c.run("c FETCH 2 BODY.PEEK[2.TEXT]", "* 2 FETCH (BODY[2.TEXT] {10}\r\ninner body)", "c OK *");
    c.run("d FETCH 2 BODY.PEEK[2.1]", "* 2 FETCH (BODY[2.1] {10}\r\ninner body)", "d OK *");
    c.run("e FETCH 2 BODY.PEEK[3.MIME]", "* 2 FETCH (BODY[3.MIME] {*}\r\nContent-Type: application/octet-stream*base64\r\n\r\n)", "e OK *");
    c.run("f FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject FROM)]",
        "* 1 FETCH (BODY[HEADER.FIELDS (Subject FROM)] {78}\r\nFrom: Fred Foobar <foobar@Blurdybloop.example>\r\nSubject: afternoon meeting\r\n\r\n)",
        "f OK *");
    c.run("g FETCH 3 BODY.PEEK[HEADER.FIELDS.NOT (Subject)]", "* 3 FETCH (BODY[HEADER.FIELDS.NOT (Subject)] {2}\r\n\r\n)", "g OK *");
    c.run("h FETCH 3 BODY.PEEK[]<0.7>", "* 3 FETCH (BODY[]<0> {7}\r\nSubject)", "h OK *");
    c.run("i FETCH 3 BODY.PEEK[TEXT]<6.100>", "* 3 FETCH (BODY[TEXT]<6> {6}\r\nbody\r\n)", "i OK *");
    c.run("j FETCH 3 BODY.PEEK[1]", "* 3 FETCH (BODY[1] {12}\r\nthird body\r\n)", "j OK *");
    c.run("k FETCH 3 BODY.PEEK[7]", "* 3 FETCH (BODY[7] {0}\r\n)", "k OK *");
    c.run("l FETCH 3 (RFC822.HEADER RFC822.TEXT)", "* 3 FETCH (RFC822.HEADER {18}\r\nSubject: third\r\n\r\n RFC822.TEXT {12}\r\nthird body\r\n FLAGS ($Important \\Seen \\Recent))", "l OK *");
    c.run("m FETCH 3 FLAGS", "* 3 FETCH (FLAGS ($Important \\Seen \\Recent))", "m OK *");
  }

  @Test
  void fetchBodySetsSeenButPeekDoesNot() throws Exception {
    c.run("a FETCH 1 BODY.PEEK[]", "* 1 FETCH (BODY[] *", "a OK *");
    c.run("b FETCH 1 FLAGS", "* 1 FETCH (FLAGS (\\Flagged \\Recent))", "b OK *");
    c.run("c FETCH 1 BODY[TEXT]", "* 1 FETCH (BODY[TEXT] {*}* FLAGS (\\Flagged \\Seen \\Recent))", "c OK *");
    c.run("d FETCH 1 RFC822", "* 1 FETCH (RFC822 {" + SIMPLE.length() + "}*)", "d OK *");
  }

  @Test
  void store() throws Exception {
    c.run("a STORE 1 +FLAGS (\\Seen \\Deleted)", "* 1 FETCH (FLAGS (\\Deleted \\Flagged \\Seen \\Recent))", "a OK *");
    c.run("b STORE 1 -FLAGS \\Flagged", "* 1 FETCH (FLAGS (\\Deleted \\Seen \\Recent))", "b OK *");
    c.runExactly("c STORE 1:2 +FLAGS.SILENT (work)", "* FLAGS (*work)", "* OK [PERMANENTFLAGS (*work \\*)] *", "c OK *");
    c.run("d UID STORE 2 FLAGS (\\Answered)", "* 2 FETCH (UID 2 FLAGS (\\Answered \\Recent))", "d OK *");
    c.run("e STORE 1 +FLAGS (\\Recent)", "e OK *");
    c.run("f STORE 1 +FLAGS (\\Unknown)", "f BAD *");
    c.run("g FETCH 1:2 FLAGS", "* 1 FETCH (FLAGS (\\Deleted \\Seen work \\Recent))", "* 2 FETCH (FLAGS (\\Answered \\Recent))", "g OK *");
  }

  @Test
  void search() throws Exception {
    c.run("a STORE 1 +FLAGS (\\Seen)", "a OK *");
    c.runExactly("b SEARCH ALL", "* SEARCH 1 2 3", "b OK *");
    c.runExactly("c SEARCH UNSEEN", "* SEARCH 2 3", "c OK *");
    c.runExactly("d SEARCH FLAGGED SEEN", "* SEARCH 1", "d OK *");
    c.runExactly("e SEARCH OR KEYWORD $Important FROM foobar", "* SEARCH 1 3", "e OK *");
    c.runExactly("f SEARCH SUBJECT grüße", "f BAD *"); // 8-bit text must be quoted or a literal
  }

  @Test
  void searchKeys() throws Exception {
    c.runExactly("a SEARCH CHARSET UTF-8 SUBJECT \"grüße\"", "* SEARCH 2", "a OK *");
    c.runExactly("b SEARCH BODY käse", "b BAD *");
    c.runExactly("c SEARCH CHARSET UTF-8 BODY {5+}\r\nkäse", "* SEARCH 2", "c OK *");
    c.runExactly("d SEARCH TEXT \"inner body\"", "* SEARCH 2", "d OK *");
    c.runExactly("e SEARCH HEADER Message-Id B27397", "* SEARCH 1", "e OK *");
    c.runExactly("f SEARCH SENTBEFORE 1-Jan-2000", "* SEARCH 1", "f OK *");
    c.runExactly("g SEARCH SENTON 7-Feb-1994", "* SEARCH 1", "g OK *");
    c.runExactly("h SEARCH LARGER " + SIMPLE.length(), "* SEARCH 2", "h OK *");
    c.runExactly("i SEARCH NOT SMALLER " + (SIMPLE.length() + 1), "* SEARCH 2", "i OK *");
    c.runExactly("j UID SEARCH UID 2:*", "* SEARCH 2 3", "j OK *");
    c.runExactly("k SEARCH 2:3 (NOT 3)", "* SEARCH 2", "k OK *");
    c.runExactly("l SEARCH SINCE 1-Jan-2000 RECENT NEW", "* SEARCH 1 2 3", "l OK *");
    c.runExactly("m SEARCH OLD", "* SEARCH", "m OK *");
    c.runExactly("n SEARCH CHARSET KOI8-R ALL", "n NO [BADCHARSET *] *");
    c.runExactly("o SEARCH RETURN (MIN MAX COUNT) ALL", "* ESEARCH (TAG \"o\") MIN 1 MAX 3 COUNT 3", "o OK *");
    c.runExactly("p UID SEARCH RETURN () 1:2", "* ESEARCH (TAG \"p\") UID ALL 1:2", "p OK *");
    c.runExactly("q SEARCH TO \"Group Joe\"", "* SEARCH 1", "q OK *");
    c.runExactly("r SEARCH BOGUS", "r BAD *");
  }

  @Test
  void copyMoveAndUidplus() throws Exception {
    c.run("a COPY 1:2 Archive", "a OK [COPYUID * 1:2 1:2] COPY completed");
    c.run("b UID COPY 3 Archive", "b OK [COPYUID * 3 3] *");
    c.run("c COPY 1 nowhere", "c NO [TRYCREATE] *");
    c.runExactly("d MOVE 2 Trash", "* OK [COPYUID * 2 1] Moved", "* 2 EXPUNGE", "d OK *");
    c.runExactly("e UID MOVE 3 Trash", "* OK [COPYUID * 3 2] Moved", "* 2 EXPUNGE", "e OK *");
    c.run("f STATUS Archive (MESSAGES)", "* STATUS \"Archive\" (MESSAGES 3)", "f OK *");
    c.run("g STATUS Trash (MESSAGES)", "* STATUS \"Trash\" (MESSAGES 2)", "g OK *");
    c.run("h SELECT Archive", "* 3 EXISTS", "h OK *");
    c.run("i FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (Subject)])",
        "* 1 FETCH (FLAGS (\\Flagged \\Recent) BODY[HEADER.FIELDS (Subject)] {30}\r\nSubject: afternoon meeting\r\n\r\n)", "i OK *");
  }

  @Test
  void expungeCloseUnselect() throws Exception {
    c.run("a STORE 1,3 +FLAGS.SILENT (\\Deleted)", "a OK *");
    c.runExactly("b UID EXPUNGE 3", "* 3 EXPUNGE", "b OK *");
    c.runExactly("c EXPUNGE", "* 1 EXPUNGE", "c OK *");
    c.runExactly("d FETCH 1 UID", "* 1 FETCH (UID 2)", "d OK *");
    c.run("e STORE 1 +FLAGS.SILENT (\\Deleted)", "e OK *");
    c.runExactly("f UNSELECT", "f OK *");
    c.run("g SELECT INBOX", "* 1 EXISTS", "g OK *");
    c.runExactly("h CLOSE", "h OK *");
    c.run("i STATUS INBOX (MESSAGES)", "* STATUS \"INBOX\" (MESSAGES 0)", "i OK *");
    c.run("j EXPUNGE", "j BAD *");
  }

  @Test
  void largeMessageIsStreamedWholeAndByPart() throws Exception {
    StringBuilder b = new StringBuilder("Subject: big\r\n\r\n");
    String line = "0123456789".repeat(7) + "\r\n";
    while (b.length() < 3_000_000) {
      b.append(line);
    }
    String big = b.toString();
    c.send("ap APPEND INBOX {" + big.length() + "+}");
    c.sendRaw(big.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    c.send("");
    ImapClient.check(c.until("ap"), "* 4 EXISTS", "ap OK [APPENDUID * 4] *");

    var lines = c.run("f UID FETCH 4 (RFC822.SIZE BODY.PEEK[])", "f OK *");
    assertThat(lines.get(0)).startsWith("* 4 FETCH (UID 4 RFC822.SIZE " + big.length() + " BODY[] {" + big.length() + "}\r\nSubject: big")
        .endsWith(line + ")");
    assertThat(lines.get(0)).hasSize(("* 4 FETCH (UID 4 RFC822.SIZE " + big.length() + " BODY[] {" + big.length() + "}\r\n").length() + big.length() + 1);
    c.run("g FETCH 4 BODY.PEEK[TEXT]<2999990.100>", "* 4 FETCH (BODY[TEXT]<2999990> {*}*)", "g OK *");
    c.run("h APPEND INBOX {20000000}", "h NO [TOOBIG] *");
  }
}
