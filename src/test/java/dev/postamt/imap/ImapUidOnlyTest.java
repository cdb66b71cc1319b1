package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UIDONLY (RFC 9586): ENABLE, {@code BAD [UIDREQUIRED]} for everything that takes message sequence
 * numbers, UIDFETCH instead of FETCH and VANISHED instead of EXPUNGE, solicited and unsolicited.
 *
 * <p>Five messages are appended and UID 1 is expunged before each test, so message 1 is UID 2: a
 * response that still used sequence numbers would show 1, 2, 3 where UIDs 2, 3, 4 are expected.
 */
class ImapUidOnlyTest {
  static final String MSG = "Subject: m\r\n\r\nbody\r\n";

  @TempDir Path dir;
  ImapTestServer server;
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    server = ImapTestServer.start(dir);
    c = server.login("alice");
    for (int i = 0; i < 5; i++) {
      c.run("ap APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "ap OK *");
    }
    c.run("s SELECT INBOX", "s OK *");
    c.run("d STORE 1 +FLAGS.SILENT (\\Deleted)", "d OK *");
    c.run("x EXPUNGE", "* 1 EXPUNGE", "x OK *");
    c.run("u UNSELECT", "u OK *");
    c.run("cr CREATE Other", "cr OK *");
  }

  @AfterEach
  void stop() throws Exception {
    c.close();
    server.close();
  }

  void enableAndSelect() throws Exception {
    c.runExactly("e ENABLE UIDONLY", "* ENABLED UIDONLY", "e OK *");
    List<String> l = c.run("s SELECT INBOX", "* 4 EXISTS", "s OK [READ-WRITE] *");
    assertThat(l).noneMatch(x -> x.contains("[UNSEEN")); // RFC 9586 §3: UNSEEN would be a sequence number
  }

  @Test
  void advertisedAndEnabled() throws Exception {
    c.run("a CAPABILITY", "* CAPABILITY * UIDONLY*", "a OK *");
    c.runExactly("b ENABLE UIDONLY X-UNKNOWN", "* ENABLED UIDONLY", "b OK *");
    c.runExactly("c ENABLE UIDONLY", "* ENABLED UIDONLY", "c OK *");
  }

  @Test
  void sequenceNumberCommandsAreRefusedWithUidRequired() throws Exception {
    c.run("a SELECT INBOX", "a OK *");
    c.run("b FETCH 1 (FLAGS)", "* 1 FETCH (FLAGS ())", "b OK *"); // still allowed before ENABLE
    c.runExactly("e ENABLE UIDONLY", "* ENABLED UIDONLY", "e OK *");
    c.runExactly("f1 FETCH 1 (FLAGS)", "f1 BAD [UIDREQUIRED] *");
    c.runExactly("f2 STORE 1 +FLAGS (\\Seen)", "f2 BAD [UIDREQUIRED] *");
    c.runExactly("f3 SEARCH ALL", "f3 BAD [UIDREQUIRED] *");
    c.runExactly("f4 COPY 1 Other", "f4 BAD [UIDREQUIRED] *");
    c.runExactly("f5 MOVE 1 Other", "f5 BAD [UIDREQUIRED] *");
    c.close(); // a fresh session, so that the BAD replies stay under the session's limit
    c = server.login("alice");
    c.runExactly("e2 ENABLE UIDONLY", "* ENABLED UIDONLY", "e2 OK *");
    c.run("s2 SELECT INBOX", "s2 OK *");
    c.runExactly("f6 SORT (DATE) UTF-8 ALL", "f6 BAD [UIDREQUIRED] *");
    c.runExactly("f7 THREAD REFERENCES UTF-8 ALL", "f7 BAD [UIDREQUIRED] *");
    // RFC 9586 §3: a sequence set in the search criteria of the UID forms is refused too.
    c.runExactly("f8 UID SEARCH 1:2", "f8 BAD [UIDREQUIRED] *");
    c.runExactly("f9 UID SEARCH NOT 1", "f9 BAD [UIDREQUIRED] *");
    c.runExactly("f10 UID SORT (DATE) UTF-8 1:*", "f10 BAD [UIDREQUIRED] *");
    c.runExactly("g UID SEARCH UID 3:4", "* SEARCH 3 4", "g OK *");
    c.run("h UID SEARCH RETURN (ALL) ALL", "* ESEARCH (TAG \"h\") UID ALL 2:5", "h OK *");
    c.runExactly("i UID COPY 2 Other", "i OK [COPYUID *] *");
    c.run("j NOOP", "j OK *"); // commands without numbers are unaffected
  }

  /** RFC 9586 §3.3: FETCH responses become {@code * uid UIDFETCH (...)}. */
  @Test
  void fetchAndStoreAnswerWithUidFetch() throws Exception {
    enableAndSelect();
    c.runExactly("a UID FETCH 3:4 (FLAGS)", "* 3 UIDFETCH (UID 3 FLAGS ())", "* 4 UIDFETCH (UID 4 FLAGS ())", "a OK *");
    c.runExactly("b UID STORE 4 +FLAGS (\\Flagged)", "* 4 UIDFETCH (FLAGS (\\Flagged))", "b OK *");
    c.runExactly("c UID STORE 4 -FLAGS.SILENT (\\Flagged)", "c OK *");
    c.run("d UID FETCH 5 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
        "* 5 UIDFETCH (UID 5 BODY[HEADER.FIELDS (SUBJECT)] {14}*", "d OK *");
    // Setting \Seen by fetching the body reports the flags in the same UIDFETCH response.
    c.run("e UID FETCH 2 (BODY[TEXT])", "* 2 UIDFETCH (UID 2 BODY[TEXT] {6}* FLAGS (\\Seen))", "e OK *");
  }

  /** RFC 9586 §3.4: expunges are VANISHED, here without ENABLE QRESYNC, also MOVE's. */
  @Test
  void expungesAreReportedAsVanished() throws Exception {
    enableAndSelect();
    c.run("a UID STORE 3:4 +FLAGS.SILENT (\\Deleted)", "a OK *");
    List<String> l = c.runExactly("b EXPUNGE", "* VANISHED 3:4", "b OK EXPUNGE completed");
    assertThat(l).noneMatch(x -> x.endsWith(" EXPUNGE"));
    c.runExactly("c UID MOVE 5 Other", "* OK [COPYUID *] *", "* VANISHED 5", "c OK *");
    c.runExactly("d UID SEARCH ALL", "* SEARCH 2", "d OK *");
  }

  /** Changes made by another session reach a UIDONLY session as UIDFETCH and VANISHED. */
  @Test
  void unsolicitedUpdatesUseUids() throws Exception {
    enableAndSelect();
    try (ImapClient other = server.login("alice")) {
      other.run("s SELECT INBOX", "s OK *");
      other.run("a UID STORE 4 +FLAGS (\\Answered)", "a OK *");
      c.run("n1 NOOP", "* 4 UIDFETCH (FLAGS (\\Answered))", "n1 OK *");
      other.run("b UID STORE 3 +FLAGS.SILENT (\\Deleted)", "b OK *");
      other.run("c EXPUNGE", "c OK *");
      List<String> l = c.run("n2 NOOP", "* VANISHED 3", "n2 OK *");
      assertThat(l).noneMatch(x -> x.contains(" FETCH ") || x.endsWith(" EXPUNGE"));
      other.run("d APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "d OK *");
      c.run("n3 NOOP", "* 4 EXISTS", "n3 OK *"); // EXISTS is a count, not a sequence number
    }
  }

  /** RFC 9586 §3: QRESYNC's sequence match data names sequence numbers; known UIDs alone are fine. */
  @Test
  void qresyncSelectWithoutSequenceMatchData() throws Exception {
    c.runExactly("e ENABLE QRESYNC UIDONLY", "* ENABLED QRESYNC UIDONLY", "e OK *");
    String st = c.run("st STATUS INBOX (UIDVALIDITY)", "* STATUS *", "st OK *").getFirst();
    long uv = Long.parseLong(st.replaceAll(".*UIDVALIDITY (\\d+).*", "$1"));
    c.run("s SELECT INBOX", "s OK *");
    c.run("a UID STORE 2 +FLAGS (\\Seen)", "* 2 UIDFETCH (FLAGS (\\Seen) MODSEQ (*))", "a OK *");
    c.run("u UNSELECT", "u OK *");
    c.runExactly("b SELECT INBOX (QRESYNC (" + uv + " 1 2:5 (1:2 2:3)))", "b BAD [UIDREQUIRED] *");
    List<String> l = c.run("c SELECT INBOX (QRESYNC (" + uv + " 1 1:5))",
        "* VANISHED (EARLIER) 1", "* 2 UIDFETCH (FLAGS (\\Seen) MODSEQ (*))", "c OK [READ-WRITE] *");
    assertThat(l).noneMatch(x -> x.contains(" FETCH "));
  }
}
