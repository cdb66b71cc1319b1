package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ACL (RFC 4314) and shared mailboxes between two users: the commands with the RFC's examples in mind,
 * each right enforced where it matters, NAMESPACE and LIST of {@code Other Users/}, LIST-MYRIGHTS (RFC
 * 8440), and two sessions of two users on one shared folder seeing each other's changes.
 */
class ImapAclTest {
  static final String MSG = "Subject: shared\r\n\r\nhello\r\n";
  static final String BOBS = "\"Other Users/alice@example.test/Projects\"";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient alice;
  ImapClient bob;

  @BeforeEach
  void start() throws Exception {
    alice = server.login("alice");
    bob = server.login("bob");
    alice.run("c CREATE Projects", "c OK *");
    alice.run("ap APPEND Projects {" + MSG.length() + "+}\r\n" + MSG, "ap OK *");
  }

  @Test
  void capabilitiesAndNamespaces() throws Exception {
    String caps = alice.run("a CAPABILITY").getFirst();
    assertThat(caps).contains(" ACL ", " RIGHTS=texk ", " LIST-MYRIGHTS");
    alice.runExactly("n NAMESPACE",
        "* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) ((\"Shared/\" \"/\"))", "n OK *");
  }

  @Test
  void ownerHasEveryRightAndAdministersTheList() throws Exception {
    alice.runExactly("m MYRIGHTS Projects", "* MYRIGHTS \"Projects\" lrswipkxteancd", "m OK MYRIGHTS completed");
    alice.runExactly("g GETACL Projects", "* ACL \"Projects\" alice@example.test lrswipkxteancd", "g OK *");
    alice.run("s SETACL Projects bob@example.test lrs", "s OK SETACL completed");
    alice.run("s2 SETACL Projects bob@example.test +w", "s2 OK *");
    alice.runExactly("g2 GETACL Projects",
        "* ACL \"Projects\" alice@example.test lrswipkxteancd bob@example.test lrsw", "g2 OK *");
    alice.run("s3 SETACL Projects bob@example.test -sw", "s3 OK *");
    alice.run("s4 SETACL Projects anyone d", "s4 OK *"); // obsolete d = x t e (RFC 4314 §2.1.1)
    alice.runExactly("g3 GETACL Projects",
        "* ACL \"Projects\" alice@example.test lrswipkxteancd anyone xted bob@example.test lr", "g3 OK *");
    alice.runExactly("l LISTRIGHTS Projects bob@example.test",
        "* LISTRIGHTS \"Projects\" bob@example.test \"\" l r s w i p k x t e a n", "l OK *");
    alice.run("d DELETEACL Projects anyone", "d OK DELETEACL completed");
    alice.runExactly("g4 GETACL Projects",
        "* ACL \"Projects\" alice@example.test lrswipkxteancd bob@example.test lr", "g4 OK *");
  }

  @Test
  void badRightsIdentifiersAndTheOwnerAreRefused() throws Exception {
    alice.run("a SETACL Projects bob@example.test lrz", "a BAD *");
    alice.run("b SETACL Projects -bob@example.test r", "b NO [CANNOT] *");
    alice.run("c SETACL Projects nobody r", "c NO [CANNOT] *");
    alice.run("d SETACL Projects alice@example.test lr", "d NO [CANNOT] *");
    alice.run("e GETACL Nothing", "e NO [NONEXISTENT] *");
  }

  @Test
  void withoutRightsAnotherUsersMailboxDoesNotExist() throws Exception {
    bob.run("s SELECT " + BOBS, "s NO [NONEXISTENT] *");
    bob.run("m MYRIGHTS " + BOBS, "m NO [NONEXISTENT] *");
    bob.run("g GETACL " + BOBS, "g NO [NONEXISTENT] *");
    List<String> list = bob.run("l LIST \"\" *", "l OK *");
    assertThat(String.join("\n", list)).doesNotContain("Other Users");
  }

  @Test
  void aReadOnlyUserReadsButCannotChangeFlags() throws Exception {
    alice.run("s SETACL Projects bob@example.test lr", "s OK *");
    bob.runExactly("m MYRIGHTS " + BOBS, "* MYRIGHTS " + BOBS + " lr", "m OK *");
    bob.run("s SELECT " + BOBS, "* 1 EXISTS", "s OK [READ-ONLY] SELECT completed");
    bob.run("f FETCH 1 BODY[]", "* 1 FETCH (BODY[] {*", "f OK *");
    bob.run("st STORE 1 +FLAGS (\\Flagged)", "st NO [NOPERM] *");
    bob.run("x EXPUNGE", "x NO [NOPERM] *");
    bob.run("g GETACL " + BOBS, "g NO [NOPERM] *");
    bob.run("ap APPEND " + BOBS + " {" + MSG.length() + "+}\r\n" + MSG, "ap NO [NOPERM] *");
    alice.run("s2 SELECT Projects", "s2 OK *");
    alice.runExactly("f2 FETCH 1 FLAGS", "* 1 FETCH (FLAGS (\\Recent))", "f2 OK *"); // bob's read did not set \Seen
  }

  @Test
  void eachFlagNeedsItsRight() throws Exception {
    alice.run("s SETACL Projects bob@example.test lrs", "s OK *");
    bob.run("s SELECT " + BOBS, "s OK [READ-WRITE] *");
    // s allows \Seen only; the \Flagged asked for beside it is dropped (RFC 4314 §4)
    List<String> got = bob.run("st STORE 1 +FLAGS (\\Seen \\Flagged)", "* 1 FETCH (FLAGS (*\\Seen*))", "st OK *");
    assertThat(got.getFirst()).doesNotContain("Flagged");
    bob.run("st2 STORE 1 +FLAGS (\\Deleted)", "st2 NO [NOPERM] *");
    bob.run("st3 STORE 1 FLAGS (\\Seen)", "st3 NO [NOPERM] *");
  }

  @Test
  void insertCopyAndCreateNeedTheirRights() throws Exception {
    alice.run("s SETACL Projects bob@example.test lri", "s OK *");
    bob.run("ap APPEND " + BOBS + " (\\Seen) {" + MSG.length() + "+}\r\n" + MSG, "ap OK [APPENDUID *");
    bob.run("ap2 APPEND INBOX {" + MSG.length() + "+}\r\n" + MSG, "ap2 OK *");
    bob.run("s SELECT INBOX", "s OK *");
    bob.run("cp COPY 1 " + BOBS, "cp OK [COPYUID *");
    bob.run("mv MOVE 1 " + BOBS, "mv OK *");
    bob.run("c CREATE " + "\"Other Users/alice@example.test/Projects/Sub\"", "c NO [NOPERM] *");
    alice.run("s2 SELECT Projects", "* 4 EXISTS", "s2 OK *");
    alice.runExactly("f FETCH 2 FLAGS", "* 2 FETCH (FLAGS (\\Recent))", "f OK *"); // \Seen needs s
    bob.run("s3 SELECT INBOX", "* 0 EXISTS", "s3 OK *");
    alice.run("s3 SETACL Projects bob@example.test +k", "s3 OK *");
    bob.run("c2 CREATE " + "\"Other Users/alice@example.test/Projects/Sub\"", "c2 OK *");
    alice.run("l LIST \"\" Projects/*", "* LIST (\\HasNoChildren) \"/\" \"Projects/Sub\"", "l OK *");
  }

  @Test
  void listShowsSharedMailboxesWithMyRights() throws Exception {
    alice.run("s SETACL Projects bob@example.test lrs", "s OK *");
    bob.run("l LIST \"\" %", "* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users\"", "l OK *");
    bob.runExactly("l2 LIST \"\" \"Other Users/*\" RETURN (MYRIGHTS)",
        "* LIST (\\Noselect \\HasChildren) \"/\" \"Other Users/alice@example.test\"",
        "* LIST (\\HasNoChildren) \"/\" " + BOBS,
        "* MYRIGHTS " + BOBS + " lrs",
        "l2 OK *");
    bob.run("st STATUS " + BOBS + " (MESSAGES)", "* STATUS " + BOBS + " (MESSAGES 1)", "st OK *");
  }

  @Test
  void theDomainAndAnyoneAreIdentifiers() throws Exception {
    alice.run("s SETACL Projects @example.test lr", "s OK *");
    bob.run("m MYRIGHTS " + BOBS, "* MYRIGHTS " + BOBS + " lr", "m OK *");
    alice.run("d DELETEACL Projects @example.test", "d OK *");
    alice.run("s2 SETACL Projects anyone l", "s2 OK *");
    bob.run("m2 MYRIGHTS " + BOBS, "* MYRIGHTS " + BOBS + " l", "m2 OK *");
    bob.run("sel SELECT " + BOBS, "sel NO [NOPERM] *"); // l without r: visible, not readable
  }

  @Test
  void twoUsersOnOneFolderSeeEachOthersChanges() throws Exception {
    alice.run("s SETACL Projects bob@example.test lrswi", "s OK *");
    alice.run("s2 SELECT Projects", "s2 OK *");
    bob.run("s SELECT " + BOBS, "* 1 EXISTS", "s OK [READ-WRITE] *");
    bob.run("st STORE 1 +FLAGS (\\Flagged)", "st OK *");
    alice.run("n NOOP", "* 1 FETCH (FLAGS (\\Flagged*", "n OK *");
    bob.send("i IDLE");
    assertThat(bob.line()).startsWith("+");
    alice.run("ap APPEND Projects {" + MSG.length() + "+}\r\n" + MSG, "ap OK *");
    assertThat(bob.line()).isEqualTo("* 2 EXISTS");
    bob.send("DONE");
    ImapClient.check(bob.until("i"), "i OK *");
  }

  @Test
  void renameAndDeleteCarryTheList() throws Exception {
    alice.run("s SETACL Projects bob@example.test lr", "s OK *");
    alice.run("r RENAME Projects Work", "r OK *");
    bob.run("m MYRIGHTS \"Other Users/alice@example.test/Work\"", "* MYRIGHTS * lr", "m OK *");
    alice.run("d DELETE Work", "d OK *");
    alice.run("c CREATE Work", "c OK *");
    bob.run("m2 MYRIGHTS \"Other Users/alice@example.test/Work\"", "m2 NO [NONEXISTENT] *");
  }

  @Test
  void anAdministratorsSharedAccountIsUnderShared() throws Exception {
    server.store.create("team@example.test");
    server.store.shares().markShared("team@example.test", true);
    server.store.shares().grant("team@example.test", "INBOX", "@example.test", dev.postamt.store.Rights.parse("lrs"));
    server.deliver("team@example.test", "Subject: to the team\r\n\r\nhi\r\n");
    String inbox = "\"Shared/team@example.test/INBOX\"";
    bob.run("l LIST \"\" \"Shared/*\"", "* LIST (\\HasNoChildren) \"/\" " + inbox, "l OK *");
    bob.run("s SELECT " + inbox, "* 1 EXISTS", "s OK [READ-WRITE] *");
    bob.run("f FETCH 1 (FLAGS BODY[HEADER.FIELDS (SUBJECT)])", "* 1 FETCH (FLAGS (\\Seen*", "f OK *");
    alice.run("m MYRIGHTS " + inbox, "* MYRIGHTS " + inbox + " lrs", "m OK *");
    alice.run("o MYRIGHTS \"Other Users/team@example.test/INBOX\"", "o NO [NONEXISTENT] *");
  }
}
