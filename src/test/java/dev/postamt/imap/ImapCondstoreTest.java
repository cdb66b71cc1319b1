package dev.postamt.imap;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CONDSTORE (RFC 7162 §3): HIGHESTMODSEQ, FETCH MODSEQ / CHANGEDSINCE, STORE UNCHANGEDSINCE, SEARCH MODSEQ. */
class ImapCondstoreTest {
  static final String MSG = "Subject: m\r\n\r\nbody\r\n";

  @TempDir Path dir;
  ImapTestServer server;
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    server = ImapTestServer.start(dir);
    c = server.login("alice");
    for (int i = 0; i < 3; i++) {
      c.run("ap APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "ap OK *");
    }
  }

  @AfterEach
  void stop() throws Exception {
    c.close();
    server.close();
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
}
