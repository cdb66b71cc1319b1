package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CREATE, DELETE, RENAME, LIST/LSUB, SUBSCRIBE, STATUS, APPEND, SELECT/EXAMINE. */
class ImapMailboxTest {
  static final String MSG = "From: a@example.test\r\nSubject: hi\r\n\r\nhello\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
  }

  @Test
  void defaultFoldersWithSpecialUse() throws Exception {
    c.run("a LIST \"\" *",
        "* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"",
        "* LIST (\\HasNoChildren \\Drafts) \"/\" \"Drafts\"",
        "* LIST (\\HasNoChildren) \"/\" \"INBOX\"",
        "* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"",
        "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"",
        "* LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"",
        "a OK LIST completed");
    c.runExactly("b LIST (SPECIAL-USE) \"\" *", "* LIST (* \\Archive) *", "* LIST (* \\Drafts) *",
        "* LIST (* \\Junk) *", "* LIST (* \\Sent) *", "* LIST (* \\Trash) *", "b OK *");
    c.runExactly("c LIST \"\" \"\"", "* LIST (\\Noselect) \"/\" \"\"", "c OK *");
    c.runExactly("d LSUB \"\" *", "* LSUB () \"/\" \"Archive\"", "* LSUB () \"/\" \"Drafts\"",
        "* LSUB () \"/\" \"INBOX\"", "* LSUB () \"/\" \"Junk\"", "* LSUB () \"/\" \"Sent\"",
        "* LSUB () \"/\" \"Trash\"", "d OK *");
    assertThat(Files.isDirectory(server.dataDir.resolve("mail/example.test/alice/Maildir/.Sent/cur"))).isTrue();
  }

  @Test
  void dotAndDotDotAreNoHierarchyLevels() throws Exception {
    // mbsync refuses to sync an account with such a folder; the file system reads them as paths
    c.run("a CREATE .", "a NO [CANNOT] Invalid mailbox name: \".\" may not be a hierarchy level");
    c.run("b CREATE ..", "b NO [CANNOT] Invalid mailbox name: \"..\" may not be a hierarchy level");
    c.run("c CREATE work/../x", "c NO [CANNOT] *\"..\"*");
    c.run("d CREATE work/./x", "d NO [CANNOT] *\".\"*");
    c.run("e CREATE work/x/..", "e NO [CANNOT] *");
    c.run("f CREATE work", "f OK *");
    c.run("g RENAME work ..", "g NO [CANNOT] *");
    c.run("h RENAME work a/./b", "h NO [CANNOT] *");
    c.run("i CREATE ...", "i OK *"); // only the two exact names are refused
    c.run("j CREATE .hidden/x..y", "j OK *");
    c.runExactly("k LIST \"\" work", "* LIST (\\HasNoChildren) \"/\" \"work\"", "k OK *");
  }

  @Test
  void createHierarchyListAndDelete() throws Exception {
    c.run("a CREATE work/projects/x", "a OK *");
    c.run("b CREATE work/projects/x", "b NO [ALREADYEXISTS] *");
    c.run("c CREATE INBOX", "c NO *");
    c.runExactly("d LIST \"\" work/%", "* LIST (\\Noselect \\HasChildren) \"/\" \"work/projects\"", "d OK *");
    c.runExactly("e LIST \"\" %", "* LIST (*) \"/\" \"Archive\"", "* LIST (*) \"/\" \"Drafts\"",
        "* LIST (*) \"/\" \"INBOX\"", "* LIST (*) \"/\" \"Junk\"", "* LIST (*) \"/\" \"Sent\"",
        "* LIST (*) \"/\" \"Trash\"", "* LIST (\\Noselect \\HasChildren) \"/\" \"work\"", "e OK *");
    c.run("f CREATE work", "f OK *");
    c.run("g LIST \"\" work", "* LIST (\\HasChildren) \"/\" \"work\"", "g OK *");
    c.run("h DELETE work", "h NO *");
    c.run("i DELETE work/projects/x", "i OK *");
    c.run("j DELETE work", "j OK *");
    c.run("k DELETE work", "k NO [NONEXISTENT] *");
    c.run("l DELETE INBOX", "l NO *");
    c.run("m CREATE dotted.name/", "m OK *");
    c.run("n LIST \"\" dotted*", "* LIST (\\HasNoChildren) \"/\" \"dotted.name\"", "n OK *");
    assertThat(Files.isDirectory(server.dataDir.resolve("mail/example.test/alice/Maildir/.dotted%2Ename"))).isTrue();
  }

  @Test
  void internationalNamesInModifiedUtf7() throws Exception {
    c.run("a CREATE \"Entw&APw-rfe\"", "a OK *");
    c.run("b LIST \"\" Entw*", "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"", "b OK *");
    c.run("c CREATE \"Bad&Jjo\"", "c NO *");
    assertThat(Files.isDirectory(server.dataDir.resolve("mail/example.test/alice/Maildir/.Entwürfe"))).isTrue();
  }

  @Test
  void renameWithChildrenAndInbox() throws Exception {
    c.run("a CREATE a/b", "a OK *");
    c.run("b APPEND a/b {" + MSG.length() + "+}\r\n" + MSG, "b OK [APPENDUID * 1] *");
    c.run("c RENAME nothing x", "c NO [NONEXISTENT] *");
    c.run("d CREATE a", "d OK *");
    c.run("e RENAME a x", "e OK *");
    c.runExactly("f LIST \"\" x*", "* LIST (\\HasChildren) \"/\" \"x\"", "* LIST (\\HasNoChildren) \"/\" \"x/b\"", "f OK *");
    c.run("g STATUS x/b (MESSAGES)", "* STATUS \"x/b\" (MESSAGES 1)", "g OK *");
    c.run("h RENAME x Sent", "h NO [ALREADYEXISTS] *");
    c.run("i APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "i OK *");
    c.run("j RENAME INBOX old-inbox", "j OK *");
    c.run("k STATUS INBOX (MESSAGES)", "* STATUS \"INBOX\" (MESSAGES 0)", "k OK *");
    c.run("l STATUS old-inbox (MESSAGES)", "* STATUS \"old-inbox\" (MESSAGES 1)", "l OK *");
  }

  @Test
  void createWithSpecialUse() throws Exception {
    c.run("a CREATE Outbox (USE (\\Sent))", "a OK *");
    c.run("b LIST \"\" Outbox", "* LIST (\\HasNoChildren \\Sent) \"/\" \"Outbox\"", "b OK *");
    c.run("c CREATE Weird (USE (\\Bogus))", "c NO [USEATTR] *");
    c.run("d CAPABILITY", "* CAPABILITY * CREATE-SPECIAL-USE *APPENDLIMIT=10485760*", "d OK *");
    c.run("e APPEND Outbox {5+}\r\nHi!\r\n", "e OK *");
    c.run("f STATUS Outbox (SIZE MESSAGES)", "* STATUS \"Outbox\" (SIZE 5 MESSAGES 1)", "f OK *");
  }

  @Test
  void subscriptions() throws Exception {
    c.run("a CREATE lists", "a OK *");
    c.run("b SUBSCRIBE lists", "b OK *");
    c.run("c LSUB \"\" l*", "* LSUB () \"/\" \"lists\"", "c OK *");
    c.run("d LIST (SUBSCRIBED) \"\" l*", "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"lists\"", "d OK *");
    c.run("e UNSUBSCRIBE lists", "e OK *");
    c.runExactly("f LSUB \"\" l*", "f OK *");
    c.run("g SUBSCRIBE gone", "g OK *");
    c.run("h LSUB \"\" gone", "* LSUB (\\Noselect) \"/\" \"gone\"", "h OK *");
  }

  @Test
  void statusAndAppend() throws Exception {
    c.run("a STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)",
        "* STATUS \"INBOX\" (MESSAGES 0 RECENT 0 UIDNEXT 1 UIDVALIDITY * UNSEEN 0)", "a OK *");
    c.send("b APPEND INBOX (\\Seen) \"05-Jan-2024 10:11:12 +0100\" {" + MSG.length() + "}");
    assertThat(c.line()).startsWith("+ ");
    c.send(MSG);
    ImapClient.check(c.until("b"), "b OK [APPENDUID * 1] APPEND completed");
    c.run("c APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "c OK [APPENDUID * 2] *");
    c.run("d STATUS INBOX (MESSAGES RECENT UIDNEXT UNSEEN)",
        "* STATUS \"INBOX\" (MESSAGES 2 RECENT 2 UIDNEXT 3 UNSEEN 1)", "d OK *");
    c.run("e APPEND nowhere {" + MSG.length() + "+}\r\n" + MSG, "e NO [TRYCREATE] *");
    c.run("f APPEND INBOX (\\Bogus) {" + MSG.length() + "+}\r\n" + MSG, "f BAD *");
    c.run("g STATUS nowhere (MESSAGES)", "g NO *");
    c.run("h SELECT INBOX", "* FLAGS (*)", "* 2 EXISTS", "* 2 RECENT", "* OK [UNSEEN 2] *",
        "* OK [UIDVALIDITY *] *", "* OK [UIDNEXT 3] *", "h OK [READ-WRITE] *");
    c.run("i FETCH 1 (INTERNALDATE FLAGS)",
        "* 1 FETCH (INTERNALDATE \"05-Jan-2024 *\" FLAGS (\\Seen \\Recent))", "i OK *");
  }

  @Test
  void examineIsReadOnlyAndSelectSwitches() throws Exception {
    c.run("a APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "a OK *");
    c.run("b EXAMINE INBOX", "* OK [PERMANENTFLAGS ()] *", "* 1 EXISTS", "b OK [READ-ONLY] *");
    c.run("c STORE 1 +FLAGS (\\Seen)", "c NO *");
    c.run("d FETCH 1 BODY[]", "* 1 FETCH (BODY[] *", "d OK *");
    c.run("e FETCH 1 FLAGS", "* 1 FETCH (FLAGS (\\Recent))", "e OK *");
    c.run("f SELECT Sent", "* OK [CLOSED] *", "* 0 EXISTS", "f OK [READ-WRITE] *");
    c.run("g SELECT nowhere", "g NO *");
    c.run("h FETCH 1 FLAGS", "h BAD *"); // no mailbox selected any more
  }
}
