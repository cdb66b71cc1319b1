package dev.postamt.imap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IMAP4rev2 (RFC 9051) beside IMAP4rev1: ENABLE IMAP4rev2 and what changes with it (Appendix E), while a
 * client that does not enable it keeps the rev1 forms (Appendix A).
 */
class ImapRev2Test {
  static final String MSG = "Subject: m\r\n\r\nbody\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.loginWithMessages("alice", 2, MSG);
  }

  @Test
  void bothRevisionsAdvertisedAndEnabled() throws Exception {
    c.run("a CAPABILITY", "* CAPABILITY IMAP4rev1 IMAP4rev2 *", "a OK *");
    c.runExactly("b ENABLE IMAP4rev2", "* ENABLED IMAP4rev2", "b OK *");
    c.runExactly("c ENABLE condstore imap4rev2 X-UNKNOWN", "* ENABLED CONDSTORE IMAP4rev2", "c OK *");
  }

  @Test
  void rev1StaysRev1WithoutEnable() throws Exception {
    c.run("s SELECT INBOX", "* 2 EXISTS", "* 2 RECENT", "* OK [UNSEEN 1] *", "s OK *");
    c.runExactly("a SEARCH ALL", "* SEARCH 1 2", "a OK *");
    c.runExactly("b FETCH 1 FLAGS", "* 1 FETCH (FLAGS (\\Recent))", "b OK *");
  }

  @Test
  void selectHasListAndNoRecentOrUnseen() throws Exception {
    c.run("e ENABLE IMAP4rev2", "e OK *");
    c.runExactly("s SELECT INBOX",
        "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        "* OK [PERMANENTFLAGS *] *",
        "* 2 EXISTS",
        "* LIST () \"/\" \"INBOX\"",
        "* OK [UIDVALIDITY *] *",
        "* OK [UIDNEXT 3] *",
        "* OK [HIGHESTMODSEQ *] *",
        "* OK [MAILBOXID (*)] *", // RFC 8474 §4.2
        "* OK [URLMECH INTERNAL] *", // RFC 4467 §8
        "s OK [READ-WRITE] *");
    c.runExactly("a FETCH 1:2 FLAGS", "* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())", "a OK *");
    // RFC 9051 §6.3.2 / Appendix E item 9: re-selecting closes the old mailbox with [CLOSED].
    c.run("t EXAMINE INBOX", "* OK [CLOSED] *", "* LIST () \"/\" \"INBOX\"", "t OK [READ-ONLY] *");
  }

  @Test
  void searchAnswersWithEsearch() throws Exception {
    c.run("e ENABLE IMAP4rev2", "e OK *");
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a SEARCH ALL", "* ESEARCH (TAG \"a\") ALL 1:2", "a OK *");
    c.runExactly("b UID SEARCH 2", "* ESEARCH (TAG \"b\") UID ALL 2", "b OK *");
    c.runExactly("c SEARCH DELETED", "* ESEARCH (TAG \"c\")", "c OK *");
    c.runExactly("d SEARCH RETURN (COUNT) ALL", "* ESEARCH (TAG \"d\") COUNT 2", "d OK *");
  }

  @Test
  void updatesCarryUidAndNoRecent() throws Exception {
    c.run("e ENABLE IMAP4rev2", "e OK *");
    c.run("s SELECT INBOX", "s OK *");
    try (ImapClient other = server.login("alice")) {
      other.run("s SELECT INBOX", "s OK *");
      other.run("a STORE 2 +FLAGS (\\Flagged)", "a OK *");
      other.run("ap APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "ap OK *");
    }
    // Appendix E item 21: unsolicited FETCH has the UID; item 12: no RECENT after EXISTS.
    c.runExactly("n NOOP", "* 2 FETCH (UID 2 FLAGS (\\Flagged))", "* 3 EXISTS", "n OK *");
    c.runExactly("a STORE 1 +FLAGS (\\Seen)", "* 1 FETCH (UID 1 FLAGS (\\Seen))", "a OK *");
  }

  @Test
  void enablingWhileSelectedDropsRecentAtOnce() throws Exception {
    c.run("s SELECT INBOX", "* 2 RECENT", "s OK *");
    c.runExactly("a FETCH 1 FLAGS", "* 1 FETCH (FLAGS (\\Recent))", "a OK *");
    c.run("e ENABLE IMAP4rev2", "e OK *");
    c.runExactly("b FETCH 1 FLAGS", "* 1 FETCH (FLAGS ())", "b OK *");
  }

  @Test
  void mailboxNamesAreUtf8() throws Exception {
    c.run("e ENABLE IMAP4rev2", "e OK *");
    c.run("a CREATE \"Entwürfe/Q&A\"", "a OK *");
    c.runExactly("b LIST \"\" \"Entw*\"",
        "* LIST (\\Noselect \\HasChildren) \"/\" \"Entwürfe\"", "* LIST (\\HasNoChildren) \"/\" \"Entwürfe/Q&A\"", "b OK *");
    c.runExactly("c STATUS \"Entwürfe/Q&A\" (MESSAGES)", "* STATUS \"Entwürfe/Q&A\" (MESSAGES 0)", "c OK *");
    c.run("d SELECT \"Entwürfe/Q&A\"", "* LIST () \"/\" \"Entwürfe/Q&A\"", "d OK *");
    // A rev1 client sees the same mailboxes in modified UTF-7 (RFC 9051 Appendix A.1).
    try (ImapClient old = server.login("alice")) {
      old.runExactly("b LIST \"\" \"Entw*\"",
          "* LIST (\\Noselect \\HasChildren) \"/\" \"Entw&APw-rfe\"", "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe/Q&-A\"", "b OK *");
      old.runExactly("c STATUS \"Entw&APw-rfe/Q&-A\" (MESSAGES)", "* STATUS \"Entw&APw-rfe/Q&-A\" (MESSAGES 0)", "c OK *");
    }
  }

  @Test
  void statusDeletedAndSizeInBothRevisions() throws Exception {
    c.run("s SELECT INBOX", "s OK *");
    c.run("a STORE 1 +FLAGS (\\Deleted)", "a OK *");
    c.runExactly("b STATUS INBOX (MESSAGES DELETED SIZE)",
        "* STATUS \"INBOX\" (MESSAGES 2 DELETED 1 SIZE " + 2 * MSG.length() + ")", "b OK *");
    c.run("e ENABLE IMAP4rev2", "e OK *");
    c.runExactly("d STATUS INBOX (DELETED SIZE)", "* STATUS \"INBOX\" (DELETED 1 SIZE " + 2 * MSG.length() + ")", "d OK *");
    c.runExactly("f LIST \"\" INBOX RETURN (STATUS (DELETED))",
        "* LIST (*) \"/\" \"INBOX\"", "* STATUS \"INBOX\" (DELETED 1)", "f OK *");
  }

  @Test
  void binaryFetchIsPartOfRev2() throws Exception {
    c.run("e ENABLE IMAP4rev2", "e OK *");
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])", "* 1 FETCH (BINARY.SIZE[1] 6 BINARY[1] {6}\r\nbody\r\n)", "a OK *");
  }
}
