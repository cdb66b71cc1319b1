package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** METADATA (RFC 5464), the examples of its §4 first. */
class ImapMetadataTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
  }

  @Test
  void capabilities() throws Exception {
    assertThat(c.run("a CAPABILITY", "a OK *").getFirst().split(" ")).contains("METADATA", "METADATA-SERVER");
  }

  /** RFC 5464 §4.2 and §4.3 examples: server and mailbox entries, several at once, NIL removes. */
  @Test
  void setAndGetServerAndMailboxEntries() throws Exception {
    c.runExactly("a SETMETADATA \"\" (/shared/comment \"Shared comment\")", "a OK SETMETADATA completed");
    c.runExactly("b GETMETADATA \"\" /shared/comment", "* METADATA \"\" (/shared/comment \"Shared comment\")", "b OK *");
    c.runExactly("c SETMETADATA INBOX (/private/comment {33+}\r\nMy new comment across\r\ntwo lines. /shared/comment \"x\")",
        "c OK SETMETADATA completed");
    c.runExactly("d GETMETADATA \"INBOX\" (/shared/comment /private/comment)",
        "* METADATA \"INBOX\" (/private/comment {33}\r\nMy new comment across\r\ntwo lines. /shared/comment \"x\")", "d OK *");
    // entry names are case-insensitive; an entry without value is NIL; the server's entries are apart
    c.runExactly("e GETMETADATA inbox (/Private/COMMENT /private/none)",
        "* METADATA \"INBOX\" (/private/comment {33}\r\nMy new comment across\r\ntwo lines. /private/none NIL)", "e OK *");
    c.runExactly("f GETMETADATA \"\" /private/comment", "* METADATA \"\" (/private/comment NIL)", "f OK *");
    c.runExactly("g SETMETADATA INBOX (/private/comment NIL)", "g OK *");
    c.runExactly("h GETMETADATA INBOX /private/comment", "* METADATA \"INBOX\" (/private/comment NIL)", "h OK *");
    // binary values come back as literal8
    c.runExactly("i SETMETADATA Sent (/private/bin ~{3+}\r\na\0b)", "i OK *");
    c.runExactly("j GETMETADATA Sent /private/bin", "* METADATA \"Sent\" (/private/bin ~{3}\r\na\0b)", "j OK *");
  }

  /** RFC 5464 §4.2.1 and §4.2.2: MAXSIZE leaves out long values (LONGENTRIES), DEPTH goes down. */
  @Test
  void maxSizeAndDepth() throws Exception {
    String big = "y".repeat(2199);
    c.run("a SETMETADATA INBOX (/shared/comment {2199+}\r\n" + big + " /private/comment \"My own comment\")", "a OK *");
    c.runExactly("b GETMETADATA INBOX (MAXSIZE 1024) (/shared/comment /private/comment)",
        "* METADATA \"INBOX\" (/private/comment \"My own comment\")", "b OK [METADATA LONGENTRIES 2199] GETMETADATA completed");
    c.run("c SETMETADATA INBOX (/private/filters/values/small \"SMALLER 5000\" /private/filters/values/boss"
        + " \"FROM \\\"boss@example.com\\\"\" /private/filters/values/boss/deeper \"1\")", "c OK *");
    c.runExactly("d GETMETADATA INBOX (DEPTH 1) (/private/filters/values)",
        "* METADATA \"INBOX\" (/private/filters/values NIL /private/filters/values/boss \"FROM \\\"boss@example.com\\\"\""
            + " /private/filters/values/small \"SMALLER 5000\")", "d OK *");
    c.runExactly("e GETMETADATA INBOX (DEPTH infinity MAXSIZE 100) /private/filters",
        "* METADATA \"INBOX\" (/private/filters NIL /private/filters/values/boss \"FROM \\\"boss@example.com\\\"\""
            + " /private/filters/values/boss/deeper \"1\" /private/filters/values/small \"SMALLER 5000\")", "e OK GETMETADATA completed");
    c.runExactly("f GETMETADATA INBOX (DEPTH 2) /private", "f BAD *");
    // the options before the mailbox, as RFC 5464 §5's grammar has them
    c.runExactly("g GETMETADATA (DEPTH 1) INBOX /private/filters/values/boss",
        "* METADATA \"INBOX\" (/private/filters/values/boss \"FROM \\\"boss@example.com\\\"\""
            + " /private/filters/values/boss/deeper \"1\")", "g OK *");
  }

  @Test
  void limitsAndBadInput() throws Exception {
    String tooBig = "z".repeat(MetadataCommands.MAX_VALUE + 1);
    c.runExactly("a SETMETADATA INBOX (/private/comment {" + tooBig.length() + "+}\r\n" + tooBig + ")",
        "a NO [METADATA MAXSIZE " + MetadataCommands.MAX_VALUE + "] *");
    StringBuilder many = new StringBuilder("b SETMETADATA INBOX (");
    for (int i = 0; i <= MetadataCommands.MAX_ENTRIES; i++) {
      many.append(i == 0 ? "" : " ").append("/private/e").append(i).append(" \"v\"");
    }
    c.runExactly(many + ")", "b NO [METADATA TOOMANY] *");
    c.runExactly("c GETMETADATA INBOX /private/e1", "* METADATA \"INBOX\" (/private/e1 NIL)", "c OK *"); // all or nothing
    c.runExactly("d SETMETADATA INBOX (/comment \"x\")", "d BAD *");
    c.runExactly("e SETMETADATA INBOX (/private/a* \"x\")", "e BAD *");
    c.runExactly("f SETMETADATA INBOX (/private/a/ \"x\")", "f BAD *");
    c.runExactly("g SETMETADATA INBOX (/private//a \"x\")", "g BAD *");
    c.runExactly("h SETMETADATA Nosuch (/private/a \"x\")", "h NO [NONEXISTENT] *");
    c.runExactly("i GETMETADATA Nosuch /private/a", "i NO [NONEXISTENT] *");
    c.runExactly("j GETMETADATA (MAXSIZE x) INBOX /private/a", "j BAD *");
  }

  /** Entries follow their mailbox through RENAME, and go with DELETE (a new mailbox of the name has none). */
  @Test
  void entriesFollowTheMailbox() throws Exception {
    c.run("a CREATE Projects", "a OK *");
    c.run("b SETMETADATA Projects (/private/color \"#ff0000\")", "b OK *");
    c.run("c RENAME Projects Work", "c OK *");
    c.runExactly("d GETMETADATA Work /private/color", "* METADATA \"Work\" (/private/color \"#ff0000\")", "d OK *");
    c.run("e DELETE Work", "e OK *");
    c.run("f CREATE Work", "f OK *");
    c.runExactly("g GETMETADATA Work /private/color", "* METADATA \"Work\" (/private/color NIL)", "g OK *");
    // and another user sees none of them
    ImapClient bob = server.login("bob");
    bob.run("h SETMETADATA \"\" (/private/x \"bob's\")", "h OK *");
    c.runExactly("i GETMETADATA \"\" /private/x", "* METADATA \"\" (/private/x NIL)", "i OK *");
  }
}
