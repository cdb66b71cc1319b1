package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4): results kept live with RETURN (UPDATE), told as
 * unsolicited ESEARCH ADDTO / REMOVEFROM; the imaptest groups {@code search-context-update*} as
 * transcripts, SORT positions, CANCELUPDATE, the limit (NOUPDATE), and the updates in IDLE and under
 * NOTIFY. Client {@code a} holds the live result; where another session makes the change it is {@code b}.
 */
class ImapContextTest {
  static final String MSG = "Subject: s\r\n\r\nbody\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();

  private static void append(ImapClient c, String tag, String mailbox, String flags, String msg) throws Exception {
    c.run(tag + " APPEND " + mailbox + (flags.isEmpty() ? "" : " (" + flags + ")") + " {" + msg.length() + "+}\r\n"
        + msg, tag + " OK *");
  }

  private static String message(String subject, String date) {
    return "Date: " + date + "\r\nSubject: " + subject + "\r\n\r\nbody " + subject + "\r\n";
  }

  @Test
  void capabilitiesAreAdvertised() throws Exception {
    try (ImapClient a = server.login("alice")) {
      a.run("a1 CAPABILITY", "* CAPABILITY * ESEARCH * CONTEXT=SEARCH CONTEXT=SORT*", "a1 OK *");
    }
  }

  /** imaptest {@code search-context-update}: SEARCH contexts count in message numbers, position 0. */
  @Test
  void searchUpdatesFollowFlagsExpungesAndAppends() throws Exception {
    try (ImapClient a = server.loginWithMessages("alice", 5, MSG)) {
      a.run("a1 SELECT INBOX", "a1 OK *");
      // UPDATE alone returns no data now (nothing but the correlator).
      a.runExactly("a2 SEARCH RETURN (UPDATE) BODY body SEEN", "* ESEARCH (TAG \"a2\")", "a2 OK *");
      a.run("a3 STORE 1,2,4 +FLAGS \\Seen", "* ESEARCH (TAG \"a2\") ADDTO (0 1:2,4)", "a3 OK *");
      a.run("a4 STORE 1,2 -FLAGS \\Seen", "* ESEARCH (TAG \"a2\") REMOVEFROM (0 1:2)", "a4 OK *");
      a.run("a5 STORE 3:5 +FLAGS \\Deleted", "a5 OK *");
      // §4.3.4: the REMOVEFROM comes while number 4 still means the message, before the EXPUNGEs.
      a.runExactly("a6 EXPUNGE", "* ESEARCH (TAG \"a2\") REMOVEFROM (0 4)", "* 5 EXPUNGE", "* 4 EXPUNGE",
          "* 3 EXPUNGE", "a6 OK *");
      // §4.3.3: an ADDTO of a new message follows its EXISTS.
      List<String> got = a.run("a7 APPEND INBOX (\\Seen) {" + MSG.length() + "+}\r\n" + MSG, "a7 OK *");
      assertThat(got).containsSubsequence("* 3 EXISTS", "* ESEARCH (TAG \"a2\") ADDTO (0 3)");
      a.runExactly("a8 CANCELUPDATE \"a2\"", "a8 OK CANCELUPDATE completed");
      a.runExactly("a9 STORE 1 +FLAGS.SILENT \\Seen", "a9 OK *");
      a.run("a10 CANCELUPDATE \"a2\"", "a10 NO [NONEXISTENT] *");
    }
  }

  /** imaptest {@code search-context-update3}: a UID SEARCH context counts in UIDs; the first answer is ALL. */
  @Test
  void uidSearchUpdatesAreUids() throws Exception {
    try (ImapClient a = server.loginWithMessages("alice", 6, MSG)) {
      a.run("a1 SELECT INBOX", "a1 OK *");
      a.run("a2 STORE 1 +FLAGS \\Deleted", "a2 OK *");
      a.run("a3 EXPUNGE", "a3 OK *");
      a.run("a4 STORE 1,2 +FLAGS.SILENT \\Seen", "a4 OK *");
      a.runExactly("a5 UID SEARCH RETURN (UPDATE ALL) OR SEEN SUBJECT s33", "* ESEARCH (TAG \"a5\") UID ALL 2:3",
          "a5 OK *");
      a.run("a6 STORE 3:5 +FLAGS.SILENT \\Seen", "* ESEARCH (TAG \"a5\") UID ADDTO (0 4:6)", "a6 OK *");
      a.run("a7 STORE 1:5 -FLAGS.SILENT \\Seen", "* ESEARCH (TAG \"a5\") UID REMOVEFROM (0 2:6)", "a7 OK *");
      a.run("a8 UID STORE 4,5 +FLAGS.SILENT \\Seen", "* ESEARCH (TAG \"a5\") UID ADDTO (0 4:5)", "a8 OK *");
      a.run("a9 STORE 3 +FLAGS.SILENT \\Deleted", "a9 OK *");
      a.run("a10 EXPUNGE", "* ESEARCH (TAG \"a5\") UID REMOVEFROM (0 4)", "* 3 EXPUNGE", "a10 OK *");
    }
  }

  /** Another session's changes reach the live result too, between commands and in IDLE. */
  @Test
  void changesOfOtherSessionsAreToldAtTheNextCommandAndInIdle() throws Exception {
    try (ImapClient a = server.loginWithMessages("alice", 2, MSG); ImapClient b = server.login("alice")) {
      a.run("a1 SELECT INBOX", "a1 OK *");
      a.run("a2 UID SEARCH RETURN (UPDATE COUNT) UNSEEN", "* ESEARCH (TAG \"a2\") UID COUNT 2", "a2 OK *");
      b.run("b1 SELECT INBOX", "b1 OK *");
      b.run("b2 STORE 1 +FLAGS \\Seen", "b2 OK *");
      a.run("a3 NOOP", "* ESEARCH (TAG \"a2\") UID REMOVEFROM (0 1)", "a3 OK *");
      a.send("a4 IDLE");
      assertThat(a.line()).startsWith("+ ");
      append(b, "b3", "INBOX", "", MSG);
      assertThat(a.line()).isEqualTo("* 3 EXISTS");
      String next = a.line();
      if (next.endsWith(" RECENT")) {
        next = a.line();
      }
      assertThat(next).isEqualTo("* ESEARCH (TAG \"a2\") UID ADDTO (0 3)");
      a.send("DONE");
      assertThat(a.until("a4").getLast()).startsWith("a4 OK");
    }
  }

  /** CONTEXT=SORT: positions in sort order, removals before insertions, each pair applied in turn. */
  @Test
  void sortUpdatesCarryPositions() throws Exception {
    try (ImapClient a = server.login("alice")) {
      // Sent dates: uid 1 = Mar, 2 = Jan, 3 = Feb, 4 = Apr; by DATE: 2, 3, 1, 4.
      append(a, "p1", "INBOX", "", message("m1", "Sun, 1 Mar 2020 10:00:00 +0000"));
      append(a, "p2", "INBOX", "", message("m2", "Wed, 1 Jan 2020 10:00:00 +0000"));
      append(a, "p3", "INBOX", "", message("m3", "Sat, 1 Feb 2020 10:00:00 +0000"));
      append(a, "p4", "INBOX", "", message("m4", "Wed, 1 Apr 2020 10:00:00 +0000"));
      a.run("a1 SELECT INBOX", "a1 OK *");
      a.runExactly("a2 UID SORT RETURN (UPDATE ALL) (DATE) UTF-8 UNDELETED", "* ESEARCH (TAG \"a2\") UID ALL 2:3,1,4",
          "a2 OK *");
      // Message 3 (Feb) leaves position 2, message 4 (Apr) position 3 of what is left.
      a.run("a3 UID STORE 3,4 +FLAGS.SILENT \\Deleted", "* ESEARCH (TAG \"a2\") UID REMOVEFROM (2 3 3 4)", "a3 OK *");
      // Back again: 3 goes in at 2, then 4 at 4.
      a.run("a4 UID STORE 3,4 -FLAGS.SILENT \\Deleted", "* ESEARCH (TAG \"a2\") UID ADDTO (2 3 4 4)", "a4 OK *");
      // A new message dated Dec 2019 sorts first; in a reverse sort context it would be last.
      a.run("a5 SORT RETURN (UPDATE) (REVERSE DATE) UTF-8 ALL", "* ESEARCH (TAG \"a5\")", "a5 OK *");
      List<String> got = a.run("a6 APPEND INBOX {" + message("m5", "Sun, 1 Dec 2019 10:00:00 +0000").length() + "+}\r\n"
          + message("m5", "Sun, 1 Dec 2019 10:00:00 +0000"), "a6 OK *");
      assertThat(got).containsSubsequence("* 5 EXISTS", "* ESEARCH (TAG \"a2\") UID ADDTO (1 5)");
      assertThat(got).contains("* ESEARCH (TAG \"a5\") ADDTO (5 5)");
      // An expunge in a message-number SORT context: positions and numbers as they were before it.
      a.run("a7 UID STORE 1 +FLAGS.SILENT \\Deleted", "* ESEARCH (TAG \"a2\") UID REMOVEFROM (4 1)", "a7 OK *");
      got = a.run("a8 EXPUNGE", "a8 OK *");
      assertThat(got).containsSubsequence("* ESEARCH (TAG \"a5\") REMOVEFROM (2 1)", "* 1 EXPUNGE");
    }
  }

  /** RFC 5267 §4.4 and RFC 9394: PARTIAL pages the answer, UPDATE still reports on the whole result. */
  @Test
  void partialAndUpdateDoNotInteract() throws Exception {
    try (ImapClient a = server.loginWithMessages("alice", 4, MSG)) {
      a.run("a1 SELECT INBOX", "a1 OK *");
      a.runExactly("a2 SEARCH RETURN (PARTIAL 1:2 UPDATE CONTEXT) UNSEEN", "* ESEARCH (TAG \"a2\") PARTIAL (1:2 1:2)",
          "a2 OK *");
      a.run("a3 STORE 4 +FLAGS.SILENT \\Seen", "* ESEARCH (TAG \"a2\") REMOVEFROM (0 4)", "a3 OK *");
      // RETURN (CONTEXT) alone is RETURN (): ALL.
      a.runExactly("a4 SEARCH RETURN (CONTEXT) UNSEEN", "* ESEARCH (TAG \"a4\") ALL 1:3", "a4 OK *");
    }
  }

  @Test
  void tagReuseIsBadAndTheLimitIsNoUpdate() throws Exception {
    try (ImapClient a = server.loginWithMessages("alice", 1, MSG)) {
      a.run("a1 SELECT INBOX", "a1 OK *");
      a.run("t0 SEARCH RETURN (UPDATE) ALL", "t0 OK *");
      // §4.3: UPDATE with the tag of a live context is BAD, and nothing is answered for it.
      a.runExactly("t0 SEARCH RETURN (UPDATE COUNT) ALL", "t0 BAD *");
      a.run("a2 SEARCH RETURN (UPDATE UPDATE) ALL", "a2 BAD *");
      for (int i = 1; i < SearchContexts.MAX_LIVE; i++) {
        a.run("t" + i + " SORT RETURN (UPDATE) (ARRIVAL) UTF-8 ALL", "t" + i + " OK *");
      }
      // §4.3.1: over the limit the command still answers, with an untagged NO [NOUPDATE].
      a.runExactly("x1 SEARCH RETURN (UPDATE COUNT) ALL", "* NO [NOUPDATE \"x1\"] *", "* ESEARCH (TAG \"x1\") COUNT 1",
          "x1 OK *");
      a.run("a3 CANCELUPDATE \"t0\" t1", "a3 OK *");
      a.runExactly("x2 SEARCH RETURN (UPDATE) ALL", "* ESEARCH (TAG \"x2\")", "x2 OK *");
      a.run("a4 CANCELUPDATE", "a4 BAD *");
      // Leaving the mailbox ends every context.
      a.run("a5 UNSELECT", "a5 OK *");
      a.run("a6 SELECT INBOX", "a6 OK *");
      a.run("a7 CANCELUPDATE \"x2\"", "a7 NO *");
      a.run("a8 UNSELECT", "a8 OK *");
      a.run("a9 CANCELUPDATE \"x2\"", "a9 BAD *"); // not in the authenticated state
    }
  }

  /** With QRESYNC expunges are VANISHED (another session's here); the REMOVEFROM still comes first. */
  @Test
  void removalsPrecedeVanished() throws Exception {
    try (ImapClient a = server.loginWithMessages("alice", 3, MSG); ImapClient b = server.login("alice")) {
      a.run("a0 ENABLE QRESYNC", "a0 OK *");
      a.run("a1 SELECT INBOX", "a1 OK *");
      a.run("a2 UID SEARCH RETURN (UPDATE) DELETED", "a2 OK *");
      b.run("b1 SELECT INBOX", "b1 OK *");
      b.run("b2 STORE 2:3 +FLAGS.SILENT (\\Deleted)", "b2 OK *");
      a.run("a3 NOOP", "* ESEARCH (TAG \"a2\") UID ADDTO (0 2:3)", "a3 OK *");
      b.run("b3 EXPUNGE", "b3 OK *");
      List<String> got = a.run("a4 NOOP", "a4 OK *");
      assertThat(got).containsSubsequence("* ESEARCH (TAG \"a2\") UID REMOVEFROM (0 2:3)", "* VANISHED 2:3");
      // Flagged and expunged between two looks of a: the live result never held it, only VANISHED is told.
      b.run("b4 STORE 1 +FLAGS.SILENT (\\Deleted)", "b4 OK *");
      b.run("b5 EXPUNGE", "b5 OK *");
      a.runExactly("a5 NOOP", "* VANISHED 1", "a5 OK *");
    }
  }

  /** Under NOTIFY (RFC 5465) the updates go out as they happen, after the EXISTS they belong with. */
  @Test
  void notifySendsUpdatesBetweenCommands() throws Exception {
    try (ImapClient a = server.login("alice"); ImapClient b = server.login("alice")) {
      a.run("a1 SELECT INBOX", "a1 OK *");
      a.run("a2 NOTIFY SET (selected (MessageNew MessageExpunge FlagChange))", "a2 OK *");
      a.run("a3 UID SEARCH RETURN (UPDATE) FLAGGED", "a3 OK *");
      append(b, "b1", "INBOX", "\\Flagged", MSG);
      assertThat(a.line()).isEqualTo("* 1 EXISTS");
      String next = a.line();
      if (next.endsWith(" RECENT")) {
        next = a.line();
      }
      assertThat(next).isEqualTo("* ESEARCH (TAG \"a3\") UID ADDTO (0 1)");
      a.runExactly("a4 NOOP", "a4 OK *");
    }
  }
}
