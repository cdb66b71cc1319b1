package dev.postamt.imap;

import dev.postamt.store.StoreTesting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Account;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QRESYNC (RFC 7162 §3.2): ENABLE, SELECT/EXAMINE (QRESYNC ...), UID FETCH (CHANGEDSINCE n VANISHED),
 * VANISHED instead of EXPUNGE, and an expunge history that survives restart and reindex.
 *
 * <p>Five messages are appended first: UIDs 1–5 with MODSEQs 2–6, so HIGHESTMODSEQ starts at 6.
 */
class ImapQresyncTest {
  static final String MSG = "Subject: m\r\n\r\nbody\r\n";
  static final String USER = "alice@example.test";

  @TempDir Path dir;
  ImapTestServer server;
  ImapClient c;
  long uv;

  @BeforeEach
  void start() throws Exception {
    server = ImapTestServer.start(dir);
    c = server.login("alice");
    for (int i = 0; i < 5; i++) {
      c.run("ap APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "ap OK *");
    }
    String status = c.run("st STATUS INBOX (UIDVALIDITY HIGHESTMODSEQ)", "* STATUS \"INBOX\" (UIDVALIDITY * HIGHESTMODSEQ 6)", "st OK *").getFirst();
    uv = Long.parseLong(status.replaceAll(".*UIDVALIDITY (\\d+).*", "$1"));
  }

  @AfterEach
  void stop() throws Exception {
    c.close();
    server.close();
  }

  /** Enables QRESYNC, selects INBOX, expunges UIDs 3 and 4 (MODSEQ 10) after flagging UID 2 \Seen (MODSEQ 7). */
  void seenTwoExpungeThreeAndFour() throws Exception {
    c.run("e ENABLE QRESYNC", "* ENABLED QRESYNC", "e OK *");
    c.run("s SELECT INBOX", "* OK [HIGHESTMODSEQ 6] *", "s OK [READ-WRITE] *");
    c.runExactly("f STORE 2 +FLAGS (\\Seen)", "* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) MODSEQ (7))", "f OK *");
    c.run("g STORE 3:4 +FLAGS.SILENT (\\Deleted)", "g OK *");
    c.runExactly("h EXPUNGE", "* VANISHED 3:4", "h OK [HIGHESTMODSEQ 10] EXPUNGE completed");
  }

  static void assertNone(List<String> lines, String prefix) {
    assertThat(lines).noneMatch(l -> l.startsWith(prefix));
  }

  @Test
  void advertisedAndEnabled() throws Exception {
    c.run("a CAPABILITY", "* CAPABILITY * CONDSTORE QRESYNC SEARCHRES *", "a OK *");
    c.runExactly("b ENABLE CONDSTORE QRESYNC X-UNKNOWN", "* ENABLED CONDSTORE QRESYNC", "b OK *");
    c.runExactly("c ENABLE QRESYNC", "* ENABLED QRESYNC", "c OK *");
  }

  @Test
  void qresyncParametersNeedEnableAndValidSyntax() throws Exception {
    c.run("a SELECT INBOX", "a OK *");
    // RFC 7162 §3.2.5, §3.2.6: BAD before ENABLE QRESYNC; the selected mailbox stays selected.
    c.runExactly("b SELECT INBOX (QRESYNC (" + uv + " 1))", "b BAD *");
    c.runExactly("c UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)", "c BAD *");
    c.run("d ENABLE QRESYNC", "* ENABLED QRESYNC", "d OK *");
    c.runExactly("e FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)", "e BAD *"); // only with UID FETCH
    c.runExactly("f UID FETCH 1:* FLAGS (VANISHED)", "f BAD *"); // only with CHANGEDSINCE
    c.runExactly("g SELECT INBOX (QRESYNC (0 1))", "g BAD *");
    c.runExactly("h SELECT INBOX (QRESYNC (" + uv + "))", "h BAD *");
    c.runExactly("i SELECT INBOX (QRESYNC (" + uv + " 1 1:*))", "i BAD *");
    c.runExactly("j SELECT INBOX (QRESYNC (" + uv + " 1 1:5 (1:2 1)))", "j BAD *");
    c.runExactly("k SELECT INBOX (QRESYNC (" + uv + " 1) QRESYNC (" + uv + " 1))", "k BAD *");
    c.run("l FETCH 1 UID", "* 1 FETCH (UID 1)", "l OK *");
  }

  @Test
  void expungeAndUidExpungeReportVanished() throws Exception {
    seenTwoExpungeThreeAndFour();
    c.run("a UID STORE 1,5 +FLAGS.SILENT (\\Deleted)", "a OK *");
    c.runExactly("b UID EXPUNGE 5", "* VANISHED 5", "b OK [HIGHESTMODSEQ 13] EXPUNGE completed");
    c.runExactly("c UID EXPUNGE 5", "c OK EXPUNGE completed"); // nothing expunged, no HIGHESTMODSEQ
    c.runExactly("d FETCH 1:* (UID)", "* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "d OK *");
  }

  /** RFC 7162 §3.2.5.1, the example with and without known UIDs. */
  @Test
  void selectReportsVanishedEarlierAndChangedFlags() throws Exception {
    seenTwoExpungeThreeAndFour();
    c.run("a UNSELECT", "a OK *");
    List<String> l = c.run("b SELECT INBOX (QRESYNC (" + uv + " 6))", "* 3 EXISTS", "* OK [UIDVALIDITY " + uv + "] *",
        "* OK [HIGHESTMODSEQ 10] *", "* VANISHED (EARLIER) 3:4", "* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (7))",
        "b OK [READ-WRITE] *");
    assertThat(l.get(l.size() - 3)).isEqualTo("* VANISHED (EARLIER) 3:4"); // after the usual SELECT responses
    l = c.run("c EXAMINE INBOX (QRESYNC (" + uv + " 6 1:2))", "* OK [CLOSED]*", "* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (7))", "c OK [READ-ONLY] *");
    assertNone(l, "* VANISHED");
    l = c.run("d SELECT INBOX (QRESYNC (" + uv + " 6 3:5))", "* VANISHED (EARLIER) 3:4", "d OK *");
    assertNone(l, "* 2 FETCH");
    l = c.run("e SELECT INBOX (QRESYNC (" + uv + " 9))", "* VANISHED (EARLIER) 3:4", "e OK *");
    assertNone(l, "* 2 FETCH");
    l = c.run("f SELECT INBOX (QRESYNC (" + uv + " 10))", "f OK *");
    assertNone(l, "* VANISHED");
    assertNone(l, "* 2 FETCH");
  }

  @Test
  void uidvalidityMismatchIsAPlainSelect() throws Exception {
    seenTwoExpungeThreeAndFour();
    List<String> l = c.run("a SELECT INBOX (QRESYNC (" + (uv + 1) + " 1))", "* OK [UIDVALIDITY " + uv + "] *", "a OK [READ-WRITE] *");
    assertNone(l, "* VANISHED");
    assertThat(l).noneMatch(x -> x.contains("FETCH"));
  }

  /** RFC 7162 §3.2.6, example 1 in miniature. */
  @Test
  void uidFetchVanished() throws Exception {
    seenTwoExpungeThreeAndFour();
    c.runExactly("a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 6 VANISHED)",
        "* VANISHED (EARLIER) 3:4", "* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) MODSEQ (7))", "a OK *");
    c.runExactly("b UID FETCH 4:5 (FLAGS) (VANISHED CHANGEDSINCE 6)", "* VANISHED (EARLIER) 4", "b OK *");
    c.runExactly("c UID FETCH 1:* (FLAGS) (CHANGEDSINCE 10 VANISHED)", "c OK *");
  }

  @Test
  void vanishedIsPushedToOtherSessions() throws Exception {
    try (ImapClient b = server.login("alice"); ImapClient old = server.login("alice")) {
      b.run("a ENABLE QRESYNC", "a OK *");
      b.run("b SELECT INBOX", "b OK *");
      old.run("c SELECT INBOX", "c OK *");
      c.run("d ENABLE QRESYNC", "d OK *");
      c.run("e SELECT INBOX", "e OK *");
      c.run("f STORE 1,3 +FLAGS.SILENT (\\Deleted)", "f OK *");
      c.runExactly("g EXPUNGE", "* VANISHED 1,3", "g OK [HIGHESTMODSEQ 9] *");
      // Not during FETCH, STORE or SEARCH (RFC 7162 §3.2.10.2) ...
      List<String> l = b.run("h FETCH 1:* (UID)", "* 5 FETCH (UID 5)", "h OK *");
      assertNone(l, "* VANISHED");
      l = b.run("i UID SEARCH 1:2", "i OK *");
      assertNone(l, "* VANISHED");
      // ... but on the next command that allows it, once, as UIDs; and with UID in flag updates.
      c.run("j UID STORE 2 +FLAGS.SILENT ($Work)", "j OK *");
      b.runExactly("k NOOP", "* VANISHED 1,3", "* FLAGS *", "* OK [PERMANENTFLAGS *",
          "* 1 FETCH (UID 2 FLAGS ($Work \\Recent) MODSEQ (10))", "k OK *");
      b.runExactly("l NOOP", "l OK *");
      // A session without QRESYNC still hears EXPUNGE.
      old.run("m NOOP", "* 3 EXPUNGE", "* 1 EXPUNGE", "m OK *");
      // IDLE pushes VANISHED too.
      c.run("n STORE 3 +FLAGS.SILENT (\\Deleted)", "n OK *");
      b.run("o NOOP", "* 3 FETCH (UID 5 FLAGS (\\Deleted \\Recent) MODSEQ (11))", "o OK *");
      b.send("p IDLE");
      assertThat(b.line()).startsWith("+ ");
      c.run("q CLOSE", "q OK CLOSE completed");
      assertThat(b.line()).isEqualTo("* VANISHED 5");
      b.send("DONE");
      assertThat(b.until("p")).containsExactly("p OK IDLE terminated");
    }
  }

  /** RFC 7162 §3.2 and the example in §6: a held-back VANISHED caps the HIGHESTMODSEQ a client may keep. */
  @Test
  void heldBackExpungeLowersHighestModseq() throws Exception {
    try (ImapClient b = server.login("alice")) {
      b.run("a ENABLE QRESYNC", "a OK *");
      b.run("b SELECT INBOX", "* OK [HIGHESTMODSEQ 6] *", "b OK *");
      c.run("c SELECT INBOX", "c OK *");
      c.run("d STORE 2 +FLAGS.SILENT (\\Deleted)", "d OK *"); // MODSEQ 7
      c.run("e EXPUNGE", "e OK *"); // MODSEQ 8
      c.run("f STORE 1 +FLAGS.SILENT (\\Seen)", "f OK *"); // MODSEQ 9
      b.runExactly("g STORE 3 +FLAGS.SILENT (\\Answered)", "* 3 FETCH (UID 3 MODSEQ (10))",
          "* 1 FETCH (UID 1 FLAGS (\\Seen \\Recent) MODSEQ (9))",
          "* OK [HIGHESTMODSEQ 7] Expunges are held back until a command allows them", "g OK *");
      b.runExactly("h NOOP", "* VANISHED 2", "h OK *");
      b.runExactly("i FETCH 1 (MODSEQ)", "* 1 FETCH (MODSEQ (9))", "i OK *");
    }
  }

  @Test
  void moveReportsVanishedAndCloseIsRememberedSilently() throws Exception {
    c.run("a ENABLE QRESYNC", "a OK *");
    c.run("b SELECT INBOX", "b OK *");
    c.runExactly("c UID MOVE 2 Trash", "* OK [COPYUID * 2 1] *", "* VANISHED 2", "c OK *");
    c.run("d STORE 1 +FLAGS.SILENT (\\Deleted)", "d OK *");
    c.runExactly("e CLOSE", "e OK CLOSE completed"); // RFC 7162 §3.2.8: no VANISHED, no HIGHESTMODSEQ
    c.run("f SELECT INBOX (QRESYNC (" + uv + " 6 1:5))", "* 3 EXISTS", "* VANISHED (EARLIER) 1:2", "f OK *");
  }

  @Test
  void historySurvivesRestartAndReindex() throws Exception {
    seenTwoExpungeThreeAndFour();
    c.close();
    server.close();
    server = ImapTestServer.start(dir);
    c = server.login("alice");
    c.run("a ENABLE QRESYNC", "a OK *");
    c.run("b EXAMINE INBOX (QRESYNC (" + uv + " 6))", "* VANISHED (EARLIER) 3:4", "b OK *");
    c.run("c UNSELECT", "c OK *");

    // A file removed behind the store's back is an expunge too once reindex notices.
    try (Account a = server.store.open(USER)) {
      var inbox = a.mailbox("INBOX").orElseThrow();
      Files.delete(StoreTesting.file(a, inbox, a.messages(inbox.id()).getFirst())); // UID 1
    }
    server.store.reindex(USER, false);
    c.run("d EXAMINE INBOX (QRESYNC (" + uv + " 6))", "* 2 EXISTS", "* OK [UIDVALIDITY " + uv + "] *",
        "* VANISHED (EARLIER) 1,3:4", "d OK *");
    c.run("e UNSELECT", "e OK *");

    // Renumbering starts a new UIDVALIDITY: the old history means nothing and is dropped.
    server.store.reindex(USER, true);
    List<String> l = c.run("f SELECT INBOX (QRESYNC (" + uv + " 6))", "* 2 EXISTS", "f OK *");
    assertNone(l, "* VANISHED");
    assertNone(l, "* OK [UIDVALIDITY " + uv + "]");
    String newUv = l.stream().filter(x -> x.startsWith("* OK [UIDVALIDITY ")).findFirst().orElseThrow()
        .replaceAll(".*UIDVALIDITY (\\d+).*", "$1");
    l = c.run("g SELECT INBOX (QRESYNC (" + newUv + " 1))", "* 1 FETCH (UID 1 *", "* 2 FETCH (UID 2 *", "g OK *");
    assertNone(l, "* VANISHED");
  }

  /**
   * Beyond the kept history every absent UID is reported (RFC 7162 §3.2.6 note), narrowed by the
   * sequence match data (§3.2.5.2).
   */
  @Test
  void forgottenHistoryAndSequenceMatchData() throws Exception {
    c.run("a ENABLE QRESYNC", "a OK *");
    c.run("b SELECT INBOX", "b OK *");
    c.run("c STORE 2 +FLAGS.SILENT (\\Deleted)", "c OK *"); // MODSEQ 7
    c.run("d EXPUNGE", "* VANISHED 2", "d OK [HIGHESTMODSEQ 8] *");
    c.run("e UID STORE 3 +FLAGS.SILENT (\\Deleted)", "e OK *"); // MODSEQ 9
    c.run("f EXPUNGE", "* VANISHED 3", "f OK [HIGHESTMODSEQ 10] *");
    c.run("g UNSELECT", "g OK *");
    List<String> l = c.run("h SELECT INBOX (QRESYNC (" + uv + " 8))", "* VANISHED (EARLIER) 3", "h OK *");
    try (Account a = server.store.open(USER)) {
      assertThat(a.forgetExpunged(a.mailbox("INBOX").orElseThrow().id(), 0)).isEqualTo(2);
    }
    // The client knew of the first expunge (MODSEQ 8), but the server no longer knows which came after.
    c.run("i SELECT INBOX (QRESYNC (" + uv + " 8))", "* VANISHED (EARLIER) 2:3", "i OK *");
    // Its samples: message 1 is UID 1 and message 2 UID 4, so it knew that 2 and 3 were gone ...
    l = c.run("j SELECT INBOX (QRESYNC (" + uv + " 8 1:5 (1:2 1,4)))", "j OK *");
    assertNone(l, "* VANISHED");
    // ... here only message 1 agrees (its message 2 was UID 3), so 2 and 3 are in doubt.
    c.run("k SELECT INBOX (QRESYNC (" + uv + " 8 1:5 (1:3 1,3:4)))", "* VANISHED (EARLIER) 2:3", "k OK *");
    // The history is complete again from the floor on.
    l = c.run("l SELECT INBOX (QRESYNC (" + uv + " 10))", "l OK *");
    assertNone(l, "* VANISHED");
  }

  @Test
  void closedResponseCodeWhenReplacingTheSelection() throws Exception {
    c.run("a ENABLE QRESYNC", "a OK *");
    c.run("b SELECT INBOX", "b OK *");
    List<String> l = c.run("c EXAMINE Trash (QRESYNC (1 1))", "* OK [CLOSED] *", "* 0 EXISTS", "c OK [READ-ONLY] *");
    assertThat(l.getFirst()).startsWith("* OK [CLOSED]");
  }
}
