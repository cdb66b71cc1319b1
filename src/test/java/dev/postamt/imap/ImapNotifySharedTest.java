package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * NOTIFY (RFC 5465) for other users' mailboxes (ACL shares, RFC 4314): {@code subtree "Other Users"} and
 * {@code mailboxes "Other Users/alice@example.test/Projects"} report alice's changes to bob as they
 * happen, as his own mailboxes are reported; without the {@code r} right only names are told, without
 * {@code l} nothing at all, and {@code personal} never covers them.
 */
class ImapNotifySharedTest {
  static final String MSG = "Subject: shared\r\n\r\nhello\r\n";
  static final String PROJECTS = "\"Other Users/alice@example.test/Projects\"";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient alice;
  ImapClient bob;

  @BeforeEach
  void start() throws Exception {
    alice = server.login("alice");
    bob = server.login("bob");
    alice.run("c CREATE Projects", "c OK *");
    append(alice, "ap");
  }

  private static void append(ImapClient c, String tag) throws Exception {
    c.run(tag + " APPEND Projects {" + MSG.length() + "+}\r\n" + MSG, tag + " OK *");
  }

  @Test
  void subtreeOfOtherUsersReportsNewMessagesAsTheyArrive() throws Exception {
    alice.run("s SETACL Projects bob@example.test lr", "s OK *");
    // The STATUS indicator (§3.1) tells the shared mailbox at once, under its name in bob's namespace.
    bob.run("n NOTIFY SET STATUS (subtree \"Other Users\" (MessageNew MessageExpunge))",
        "* STATUS " + PROJECTS + " (MESSAGES 1 UIDNEXT 2 UIDVALIDITY * UNSEEN 1)", "n OK *");
    append(alice, "a1");
    // No command from bob: the news comes on its own.
    assertThat(bob.line()).matches("\\* STATUS \"Other Users/alice@example\\.test/Projects\" "
        + "\\(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \\d+ UNSEEN 2\\)");
    alice.run("a2 SELECT Projects", "a2 OK *");
    alice.run("a3 STORE 1 +FLAGS.SILENT (\\Deleted)", "a3 OK *");
    alice.run("a4 EXPUNGE", "a4 OK *");
    assertThat(bob.line()).matches("\\* STATUS \"Other Users/alice@example\\.test/Projects\" "
        + "\\(MESSAGES 1 UIDNEXT 3 UIDVALIDITY \\d+ UNSEEN 1\\)");
    bob.runExactly("b1 NOOP", "b1 OK *");
  }

  @Test
  void mailboxesFilterNamesOneSharedMailbox() throws Exception {
    alice.run("s SETACL Projects bob@example.test lr", "s OK *");
    alice.run("c2 CREATE Other", "c2 OK *");
    alice.run("s2 SETACL Other bob@example.test lr", "s2 OK *");
    bob.run("n NOTIFY SET (mailboxes " + PROJECTS + " (MessageNew MessageExpunge))", "n OK *");
    alice.run("o APPEND Other {" + MSG.length() + "+}\r\n" + MSG, "o OK *");
    append(alice, "a1");
    // Only Projects is named: the first news bob hears is about it, and nothing of Other follows.
    assertThat(bob.line()).startsWith("* STATUS " + PROJECTS + " (MESSAGES 2 ");
    bob.runExactly("b1 NOOP", "b1 OK *");
  }

  @Test
  void withoutReadRightOnlyNamesAreToldAndWithoutLookupNothing() throws Exception {
    alice.run("s SETACL Projects bob@example.test l", "s OK *");
    bob.run("n NOTIFY SET (subtree \"Other Users\" (MessageNew MessageExpunge MailboxName))", "n OK *");
    append(alice, "a1");
    bob.runExactly("b1 NOOP", "b1 OK *"); // RFC 4314: no r, no STATUS
    // The share taken back: the mailbox is gone for bob (RFC 5465 §5.4), and nothing is told after.
    alice.run("d DELETEACL Projects bob@example.test", "d OK *");
    bob.runExactly("b2 NOOP", "* LIST (\\NonExistent) \"/\" " + PROJECTS, "b2 OK *");
    append(alice, "a2");
    bob.runExactly("b3 NOOP", "b3 OK *");
    // Granted again: it appears (LIST), and with r its messages count.
    alice.run("s2 SETACL Projects bob@example.test lr", "s2 OK *");
    bob.runExactly("b4 NOOP", "* LIST () \"/\" " + PROJECTS, "b4 OK *");
    append(alice, "a3");
    assertThat(bob.line()).startsWith("* STATUS " + PROJECTS + " (MESSAGES 4 ");
  }

  @Test
  void personalDoesNotCoverOtherUsersAndNoRightsMeansNothing() throws Exception {
    // Nothing shared with bob yet: whatever the filter, alice's mailbox does not exist for him.
    bob.run("n NOTIFY SET (subtree \"Other Users\" (MessageNew MessageExpunge MailboxName))", "n OK *");
    append(alice, "a1");
    bob.runExactly("b1 NOOP", "b1 OK *");
    alice.run("s SETACL Projects bob@example.test lr", "s OK *");
    bob.run("n2 NOTIFY SET (personal (MessageNew MessageExpunge MailboxName))", "n2 OK *");
    append(alice, "a2");
    bob.runExactly("b2 NOOP", "b2 OK *");
  }

  /** A shared account the administrator set up is watched under {@code Shared/}, deliveries included. */
  @Test
  void sharedNamespaceReportsDeliveries() throws Exception {
    server.store.create("team@example.test");
    server.store.shares().markShared("team@example.test", true);
    server.store.shares().grant("team@example.test", "INBOX", "@example.test", dev.postamt.store.Rights.parse("lr"));
    bob.run("n NOTIFY SET (subtree Shared (MessageNew MessageExpunge))", "n OK *");
    server.deliver("team@example.test", "Subject: to the team\r\n\r\nhi\r\n");
    assertThat(bob.line()).matches("\\* STATUS \"Shared/team@example\\.test/INBOX\" \\(MESSAGES 1 UIDNEXT 2 .*");
  }

  /** Bob has alice's mailbox selected: its news come as for his own selected mailbox. */
  @Test
  void selectedSharedMailboxIsReportedAsSelected() throws Exception {
    alice.run("s SETACL Projects bob@example.test lrs", "s OK *");
    bob.run("b0 SELECT " + PROJECTS, "* 1 EXISTS", "b0 OK *");
    bob.run("n NOTIFY SET (selected (MessageNew MessageExpunge)) (subtree \"Other Users\" (MessageNew MessageExpunge))",
        "n OK *");
    append(alice, "a1");
    assertThat(bob.line()).isEqualTo("* 2 EXISTS");
  }
}
