package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FETCH of big messages reads from the store only what it answers: the header for header items, a
 * range for {@code BODY[]<o.n>}, and streams {@code BODY[]}; mixed requests still get every item right.
 */
class ImapFetchFromStoreTest {
  @TempDir Path dir;

  @Test
  void headerItemsRangesAndWholeBodiesOfABigMessage() throws Exception {
    // A header longer than the first read (16 KiB), folded, then a body of 300,000 bytes.
    String longHeader = "X-Long: " + "a".repeat(70) + ("\r\n " + "b".repeat(70)).repeat(300) + "\r\n";
    String header = "From: a@example.test\r\n" + longHeader + "Subject: big one\r\n\r\n";
    String body = ("0123456789".repeat(9) + "\r\n").repeat(2_000) + "end\r\n";
    String msg = header + body;
    try (ImapTestServer server = ImapTestServer.start(dir); ImapClient c = server.login("alice")) {
      server.deliver("alice@example.test", msg);
      c.run("a SELECT INBOX", "a OK *");
      c.run("b FETCH 1 (ENVELOPE BODY.PEEK[HEADER.FIELDS (SUBJECT)])",
          "* 1 FETCH (ENVELOPE (NIL \"big one\" *) BODY[HEADER.FIELDS (SUBJECT)] {20}\r\nSubject: big one\r\n\r\n)",
          "b OK *");
      List<String> r = c.run("c FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[])", "c OK *");
      assertThat(r.getFirst()).isEqualTo("* 1 FETCH (BODY[HEADER] {" + header.length() + "}\r\n" + header
          + " BODY[] {" + msg.length() + "}\r\n" + msg + ")");
      c.run("d FETCH 1 (BODY.PEEK[]<" + (msg.length() - 5) + ".100> RFC822.HEADER)",
          "* 1 FETCH (BODY[]<" + (msg.length() - 5) + "> {5}\r\nend\r\n RFC822.HEADER {" + header.length() + "}\r\n"
              + header + ")",
          "d OK *");
      c.run("e FETCH 1 (BODY.PEEK[TEXT]<0.10>)", "* 1 FETCH (BODY[TEXT]<0> {10}\r\n0123456789)", "e OK *");
    }
  }
}
