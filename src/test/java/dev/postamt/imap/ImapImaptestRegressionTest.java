package dev.postamt.imap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviours Dovecot's imaptest checks (its scripts in testdata/imaptest/tests and its stress state
 * tracking) that Postamt once got wrong; each test names the imaptest group or error it keeps fixed.
 */
class ImapImaptestRegressionTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;
  ImapClient c2;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
    c2 = server.login("alice");
  }

  void append(String msg) throws Exception {
    c.run("ap APPEND INBOX {" + msg.length() + "+}\r\n" + msg, "ap OK *");
  }

  /** imaptest "Keyword used without being in FLAGS": FLAGS must name a new keyword before any FETCH shows it. */
  @Test
  void newKeywordIsAnnouncedInFlagsBeforeFetch() throws Exception {
    append("Subject: one\r\n\r\nbody\r\n");
    c.run("s SELECT INBOX", "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", "s OK *");
    c2.run("s SELECT INBOX", "* 1 EXISTS", "s OK *");
    c.run("a STORE 1 +FLAGS ($hello)",
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $hello)",
        "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $hello \\*)]*",
        "* 1 FETCH (FLAGS ($hello*",
        "a OK *");
    // The other session learns of it the same way, FLAGS first.
    c2.run("n NOOP", "* FLAGS (* $hello)", "* 1 FETCH (FLAGS ($hello*", "n OK *");
    // imaptest "nil": NIL is an atom, hence a keyword like any other.
    c.run("b STORE 1 +FLAGS NIL", "* FLAGS (* NIL*)", "* 1 FETCH (FLAGS (*NIL*", "b OK *");
    c.runExactly("f FETCH 1 FLAGS", "* 1 FETCH (FLAGS (*)*", "f OK *");
    // A message appended with a new keyword: FLAGS comes before the EXISTS that brings it.
    String m = "Subject: two\r\n\r\nbody\r\n";
    c.run("ap APPEND INBOX ($world) {" + m.length() + "+}\r\n" + m, "ap OK *");
    c2.run("n NOOP", "* FLAGS (*$world*)", "* 2 EXISTS", "n OK *");
  }

  /** imaptest "seq too high (state=LOGOUT)": after BYE the server sends no more untagged updates. */
  @Test
  void logoutSendsNoPendingUpdates() throws Exception {
    append("Subject: one\r\n\r\nbody\r\n");
    c.run("s SELECT INBOX", "s OK *");
    c2.run("s SELECT INBOX", "s OK *");
    c.run("a STORE 1 +FLAGS (\\Seen)", "a OK *");
    append("Subject: two\r\n\r\nbody\r\n");
    c2.runExactly("z LOGOUT", "* BYE *", "z OK *");
  }

  /** imaptest fetch-envelope: "user@domain (Real Name)" takes the comment as the display name. */
  @Test
  void envelopeTakesTrailingCommentAsName() throws Exception {
    append("Date: Thu, 15 Feb 2007 01:02:03 +0200\r\nFrom: user@domain (Real Name)\r\n"
        + "To: group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;\r\nCc: group:;, group2: (foo) ;\r\n\r\nbody\r\n");
    c.run("s SELECT INBOX", "s OK *");
    c.run("f FETCH 1 ENVELOPE",
        "* 1 FETCH (ENVELOPE (\"Thu, 15 Feb 2007 01:02:03 +0200\" NIL ((\"Real Name\" NIL \"user\" \"domain\")) "
            + "((\"Real Name\" NIL \"user\" \"domain\")) ((\"Real Name\" NIL \"user\" \"domain\")) "
            + "((NIL NIL \"group\" NIL)(NIL NIL \"g1\" \"d1.org\")(NIL NIL \"g2\" \"d2.org\")(NIL NIL NIL NIL)"
            + "(NIL NIL \"group2\" NIL)(NIL NIL \"g3\" \"d3.org\")(NIL NIL NIL NIL)) "
            + "((NIL NIL \"group\" NIL)(NIL NIL NIL NIL)(NIL NIL \"group2\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL))",
        "f OK *");
  }

  /** imaptest search-addresses: comments and spaces inside an angle address do not hide it from SEARCH FROM. */
  @Test
  void searchFromSeesThroughCommentsInAddress() throws Exception {
    append("From: <user-from (comment)@ (comment) domain.org>\r\n\r\nbody3\r\n");
    append("From: user-from@domain.org (RealFrom)\r\n\r\nbody4\r\n");
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a SEARCH FROM user-from@domain.org", "* SEARCH 1 2", "a OK *");
    c.runExactly("b SEARCH FROM realfrom", "* SEARCH 2", "b OK *");
    c.run("f FETCH 1 ENVELOPE", "* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL \"user-from\" \"domain.org\"))*", "f OK *");
  }

  /**
   * imaptest stress "FETCH failed": a FETCH of messages another session expunged meanwhile answers
   * NO [EXPUNGEISSUED] with RFC 5530's wording, which imaptest (and clients) recognise as benign.
   */
  @Test
  void fetchOfMessageExpungedElsewhereSaysNoLongerExist() throws Exception {
    append("Subject: one\r\n\r\nbody\r\n");
    append("Subject: two\r\n\r\nbody\r\n");
    c.run("s SELECT INBOX", "* 2 EXISTS", "s OK *");
    c2.run("s SELECT INBOX", "s OK *");
    c2.run("a STORE 1 +FLAGS.SILENT (\\Deleted)", "a OK *");
    c2.run("b EXPUNGE", "* 1 EXPUNGE", "b OK *");
    c.run("f FETCH 1:2 BODY.PEEK[]", "* 2 FETCH *",
        "f NO [EXPUNGEISSUED] Some of the requested messages no longer exist");
    c.run("n NOOP", "* 1 EXPUNGE", "n OK *");
  }

  /**
   * imaptest fetch-binary-mime-base64: BINARY partials count decoded octets, bare CR and LF in the
   * decoded data go out as they are (no line-ending repair), and BINARY.SIZE is the full decoded size.
   */
  @Test
  void binaryPartialsOfBase64CountDecodedOctets() throws Exception {
    append("Content-Type: multipart/mixed; boundary=\"foo\r\n bar\"\r\n\r\n--foo bar\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\nYWJjZGVmZw1oaWprbA0KbW5vCnBxcnN0dXZxeHl6\r\n\r\n--foo bar--\r\n");
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1]<5.10>)",
        "* 1 FETCH (BINARY.SIZE[1] 30 BINARY[1]<5> {10}\r\nfg\rhijkl\r\n)", "a OK *");
    c.runExactly("b FETCH 1 BINARY.PEEK[1]<15.100>", "* 1 FETCH (BINARY[1]<15> {15}\r\nmno\npqrstuvqxyz)", "b OK *");
  }
}
