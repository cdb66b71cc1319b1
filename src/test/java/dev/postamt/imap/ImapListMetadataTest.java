package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LIST-METADATA (RFC 9590): {@code LIST … RETURN (METADATA (entries))}, after the example of its §3. */
class ImapListMetadataTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
    c.run("a CREATE Team", "a OK *");
    c.run("b CREATE Team/Old", "b OK *");
    c.run("c SETMETADATA INBOX (/private/comment \"My own comment\")", "c OK *");
    c.run("d SETMETADATA Team (/shared/comment \"Team folder\" /private/comment \"mine\")", "d OK *");
  }

  @Test
  void advertised() throws Exception {
    assertThat(c.run("a CAPABILITY", "a OK *").getFirst().split(" ")).contains("LIST-METADATA");
  }

  /** Each listed mailbox is followed by its METADATA; an entry without a value is NIL. */
  @Test
  void listReturnsMetadataOfEachMailbox() throws Exception {
    List<String> l = c.runExactly("e LIST \"\" (INBOX Team) RETURN (METADATA (/shared/comment /private/comment))",
        "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
        "* METADATA \"INBOX\" (/shared/comment NIL /private/comment \"My own comment\")",
        "* LIST (\\HasChildren) \"/\" \"Team\"",
        "* METADATA \"Team\" (/shared/comment \"Team folder\" /private/comment \"mine\")",
        "e OK LIST completed");
    assertThat(l).hasSize(5);
    c.runExactly("f LIST \"\" Team/% RETURN (METADATA (/Private/Comment) CHILDREN)",
        "* LIST (\\HasNoChildren) \"/\" \"Team/Old\"", "* METADATA \"Team/Old\" (/private/comment NIL)", "f OK LIST completed");
    // An entry changed since shows at once.
    c.run("g SETMETADATA INBOX (/private/comment NIL)", "g OK *");
    c.run("h LIST \"\" INBOX RETURN (METADATA (/private/comment))", "* METADATA \"INBOX\" (/private/comment NIL)", "h OK *");
  }

  @Test
  void badMetadataOptions() throws Exception {
    c.runExactly("a LIST \"\" % RETURN (METADATA ())", "a BAD *");
    c.runExactly("b LIST \"\" % RETURN (METADATA (comment))", "b BAD *"); // not /private/ or /shared/
    c.runExactly("c LIST \"\" % RETURN (METADATA)", "c BAD *");
    c.runExactly("d LIST \"\" % RETURN (METADATA (/private/a*))", "d BAD *");
  }
}
