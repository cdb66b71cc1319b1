package dev.postamt.imap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CONDSTORE (RFC 7162 §3): HIGHESTMODSEQ, FETCH MODSEQ / CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ. */
class ImapCondstoreTest {
  static final String MSG = "Subject: m\r\n\r\nbody\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.loginWithMessages("alice", 3, MSG);
  }

  @Test
  void modseqsThroughOneSession() throws Exception {
    c.run("a STATUS INBOX (HIGHESTMODSEQ MESSAGES)", "* STATUS \"INBOX\" (HIGHESTMODSEQ 4 MESSAGES 3)", "a OK *");
    c.run("b SELECT INBOX (CONDSTORE)", "* OK [HIGHESTMODSEQ 4] *", "b OK [READ-WRITE] *");
    c.runExactly("c FETCH 1:* (MODSEQ)", "* 1 FETCH (MODSEQ (2))", "* 2 FETCH (MODSEQ (3))", "* 3 FETCH (MODSEQ (4))", "c OK *");
    c.runExactly("d STORE 2 +FLAGS (\\Seen)", "* 2 FETCH (FLAGS (\\Seen \\Recent) MODSEQ (5))", "d OK *");
    c.runExactly("e UID FETCH 1:* (FLAGS) (CHANGEDSINCE 4)", "* 2 FETCH (UID 2 FLAGS (\\Seen \\Recent) MODSEQ (5))", "e OK *");
    c.runExactly("f STORE 1:3 (UNCHANGEDSINCE 4) +FLAGS (\\Flagged)",
        "* 1 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (6))", "* 3 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (7))",
        "f OK [MODIFIED 2] Conditional STORE failed");
    c.runExactly("g UID STORE 2 (UNCHANGEDSINCE 5) +FLAGS.SILENT (\\Answered)", "* 2 FETCH (UID 2 MODSEQ (8))", "g OK *");
    c.runExactly("h SEARCH MODSEQ 7", "* SEARCH 2 3 (MODSEQ 8)", "h OK *");
    c.runExactly("i SEARCH RETURN (COUNT) MODSEQ 8", "* ESEARCH (TAG \"i\") COUNT 1 MODSEQ 8", "i OK *");
    c.runExactly("j STORE 1 (UNCHANGEDSINCE 0) -FLAGS (\\Flagged)", "j OK [MODIFIED 1] *");
  }

  @Test
  void otherSessionsSeeModseqOnceEnabled() throws Exception {
    try (ImapClient b = server.login("alice")) {
      c.run("a ENABLE CONDSTORE", "* ENABLED CONDSTORE", "a OK *");
      c.run("b SELECT INBOX", "b OK *");
      b.run("c SELECT INBOX", "c OK *");
      b.run("d STORE 3 +FLAGS.SILENT ($Work)", "d OK *");
      c.run("e NOOP", "* 3 FETCH (FLAGS ($Work *) MODSEQ (5))", "e OK *");
    }
  }

  @Test
  void esearchWithModseqAfterImaptest() throws Exception {
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a FETCH 1 MODSEQ", "* OK [HIGHESTMODSEQ 4] *", "* 1 FETCH (MODSEQ (2))", "a OK *");
    c.run("b STORE 1 +FLAGS \\Seen", "* 1 FETCH (FLAGS (\\Seen \\Recent) MODSEQ (5))", "b OK *");
    c.run("c STORE 3 +FLAGS \\Seen", "* 3 FETCH (* MODSEQ (6))", "c OK *");
    c.run("d STORE 2 +FLAGS \\Seen", "* 2 FETCH (* MODSEQ (7))", "d OK *");
    c.runExactly("e SEARCH RETURN (MIN) 1:3 MODSEQ \"/flags/\\\\seen\" all 1", "* ESEARCH (TAG \"e\") MIN 1 MODSEQ 5", "e OK *");
    c.runExactly("f SEARCH RETURN (MAX) 1:3 MODSEQ 1", "* ESEARCH (TAG \"f\") MAX 3 MODSEQ 6", "f OK *");
    c.runExactly("g SEARCH RETURN () 1:3 MODSEQ 1", "* ESEARCH (TAG \"g\") ALL 1:3 MODSEQ 7", "g OK *");
    c.runExactly("h SEARCH RETURN (MIN MAX) 2:3 MODSEQ 1", "* ESEARCH (TAG \"h\") MIN 2 MAX 3 MODSEQ 7", "h OK *");
    c.runExactly("i SEARCH RETURN (ALL) 2:3 MODSEQ 8", "* ESEARCH (TAG \"i\")", "i OK *");
  }
}
