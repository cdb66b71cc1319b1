package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two sessions on one mailbox, delivery notification, IDLE (RFC 2177), \Recent ownership. */
class ImapConcurrencyTest {
  static final String MSG = "Subject: x\r\n\r\nbody\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();

  @Test
  void sessionsSeeEachOthersChanges() throws Exception {
    try (ImapClient a = server.login("alice"); ImapClient b = server.login("alice")) {
      a.run("a1 SELECT INBOX", "* 0 EXISTS", "a1 OK *");
      b.run("b1 SELECT INBOX", "* 0 EXISTS", "b1 OK *");
      b.run("b2 APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "* 1 EXISTS", "b2 OK *");
      b.run("b3 APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "* 2 EXISTS", "b3 OK *");
      a.run("a2 NOOP", "* 2 EXISTS", "* 0 RECENT", "a2 OK *");
      b.run("b4 NOOP", "b4 OK *");
      // b saw the new messages first (its own APPENDs), so they are \Recent there only
      a.run("a3 FETCH 1:2 FLAGS", "* 1 FETCH (FLAGS ())", "* 2 FETCH (FLAGS ())", "a3 OK *");
      b.run("b5 FETCH 1:2 FLAGS", "* 1 FETCH (FLAGS (\\Recent))", "* 2 FETCH (FLAGS (\\Recent))", "b5 OK *");
      b.run("b6 STORE 1 +FLAGS (\\Deleted)", "b6 OK *");
      a.run("a4 NOOP", "* 1 FETCH (FLAGS (\\Deleted))", "a4 OK *");
      b.runExactly("b7 EXPUNGE", "* 1 EXPUNGE", "b7 OK *");
      // No EXPUNGE during FETCH: numbers must stay put (RFC 3501 §7.4.1)
      a.runExactly("a5 FETCH 2 UID", "* 2 FETCH (UID 2)", "a5 OK *");
      a.runExactly("a6 FETCH 1 FLAGS", "* 1 FETCH (FLAGS (\\Deleted))", "a6 OK *");
      a.runExactly("a7 NOOP", "* 1 EXPUNGE", "a7 OK *");
      a.runExactly("a8 FETCH 1 UID", "* 1 FETCH (UID 2)", "a8 OK *");
    }
  }

  @Test
  void fetchOfMessageExpungedElsewhereSaysExpungeIssued() throws Exception {
    try (ImapClient a = server.login("alice"); ImapClient b = server.login("alice")) {
      a.run("a1 APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "a1 OK *");
      a.run("a2 SELECT INBOX", "* 1 EXISTS", "a2 OK *");
      b.run("b1 SELECT INBOX", "b1 OK *");
      b.run("b2 STORE 1 +FLAGS.SILENT (\\Deleted)", "b2 OK *");
      b.run("b3 EXPUNGE", "* 1 EXPUNGE", "b3 OK *");
      a.runExactly("a3 FETCH 1 BODY.PEEK[]", "a3 NO [EXPUNGEISSUED] *");
      a.runExactly("a3b FETCH 1 FLAGS", "* 1 FETCH (FLAGS (\\Recent))", "a3b OK *");
      a.runExactly("a4 NOOP", "* 1 EXPUNGE", "a4 OK *");
    }
  }

  @Test
  void idleWakesOnDelivery() throws Exception {
    try (ImapClient a = server.login("alice")) {
      a.run("a1 SELECT INBOX", "* 0 EXISTS", "a1 OK *");
      a.send("a2 IDLE");
      assertThat(a.line()).startsWith("+ ");
      long t0 = System.nanoTime();
      server.deliver("alice@example.test", MSG);
      assertThat(a.line()).isEqualTo("* 1 EXISTS");
      assertThat(a.line()).isEqualTo("* 1 RECENT");
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
      a.send("DONE");
      a.check(a.until("a2"), "a2 OK IDLE terminated");
      a.run("a3 FETCH 1 (UID RFC822.SIZE FLAGS)", "* 1 FETCH (UID 1 RFC822.SIZE " + MSG.length() + " FLAGS (\\Recent))", "a3 OK *");
    }
  }

  @Test
  void idleReportsChangesFromOtherSessions() throws Exception {
    try (ImapClient a = server.login("alice"); ImapClient b = server.login("alice@example.test")) {
      b.run("b1 APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "b1 OK *");
      a.run("a1 SELECT INBOX", "* 1 EXISTS", "a1 OK *");
      a.send("a2 IDLE");
      assertThat(a.line()).startsWith("+ ");
      b.run("b2 SELECT INBOX", "b2 OK *");
      b.run("b3 STORE 1 +FLAGS.SILENT (\\Seen)", "b3 OK *");
      assertThat(a.line()).isEqualTo("* 1 FETCH (FLAGS (\\Seen \\Recent))");
      b.run("b4 STORE 1 +FLAGS.SILENT (\\Deleted)", "b4 OK *");
      assertThat(a.line()).isEqualTo("* 1 FETCH (FLAGS (\\Deleted \\Seen \\Recent))");
      b.run("b5 EXPUNGE", "b5 OK *");
      assertThat(a.line()).isEqualTo("* 1 EXPUNGE");
      a.send("DONE");
      a.check(a.until("a2"), "a2 OK *");
    }
  }

  @Test
  void idleEndedByAnythingButDoneIsBadUnderItsTagAndTheSessionGoesOn() throws Exception {
    try (ImapClient a = server.login("alice")) {
      a.run("a1 SELECT INBOX", "* 0 EXISTS", "a1 OK *");
      a.send("a2 IDLE");
      assertThat(a.line()).startsWith("+ ");
      a.send("a3 NOOP");
      a.check(a.until("a2"), "a2 BAD Expected DONE");
      server.deliver("alice@example.test", MSG); // no longer idling: reported at the next command, not at once
      a.runExactly("a4 NOOP", "* 1 EXISTS", "* 1 RECENT", "a4 OK NOOP completed");
      a.send("a5 IDLE"); // and IDLE works again
      assertThat(a.line()).startsWith("+ ");
      server.deliver("alice@example.test", MSG);
      assertThat(a.line()).isEqualTo("* 2 EXISTS");
      assertThat(a.line()).isEqualTo("* 2 RECENT");
      a.send("done");
      a.check(a.until("a5"), "a5 OK IDLE terminated");
    }
  }

  @Test
  void deliveryWhileNobodyIsLoggedInIsIndexedOnLogin() throws Exception {
    server.deliver("bob@example.test", MSG);
    server.deliver("bob@example.test", MSG);
    try (ImapClient b = server.login("bob")) {
      b.run("b1 SELECT INBOX", "* 2 EXISTS", "* 2 RECENT", "* OK [UIDNEXT 3] *", "b1 OK *");
    }
  }
}
