package dev.postamt.imap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LIST-EXTENDED (RFC 5258) and LIST-STATUS (RFC 5819), after imaptest's listext script. */
class ImapListExtendedTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
    for (String m : new String[] {"m/", "m/test1", "m/test2/", "m/test2/test1", "m/test3", "m/test4/test5",
        "m/test4/test52", "m/test6", "m/test7/test7", "m/test8/test8", "m/test8/test9"}) {
      c.run("c CREATE " + m, "c OK *");
    }
    for (String m : new String[] {"m/test1", "m/test2/test1", "m/test6", "m/test7/test7", "m/test8/test8", "m/test8/test9"}) {
      c.run("s SUBSCRIBE " + m, "s OK *");
    }
    c.run("d DELETE m/test6", "d OK *");
  }

  @Test
  void multiplePatternsAndErrors() throws Exception {
    c.runExactly("a LIST \"\" (m/*2 m/test3)", "* LIST (\\HasChildren) \"/\" \"m/test2\"",
        "* LIST (\\HasNoChildren) \"/\" \"m/test3\"", "* LIST (\\HasNoChildren) \"/\" \"m/test4/test52\"", "a OK *");
    c.run("b LIST (imaptest) \"\" \"\"", "b BAD *");
    c.run("c LIST (recursivematch) \"\" \"\"", "c BAD *");
    c.run("d LIST (recursivematch remote) \"\" \"\"", "d BAD *");
    c.run("e LIST \"\" \"\" return (imaptest)", "e BAD *");
    c.run("f LIST (remote) \"\" %", "f OK *");
  }

  @Test
  void subscribedSelection() throws Exception {
    c.runExactly("a LIST (SUBSCRIBED) \"\" m/*",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test1\"",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test2/test1\"",
        "* LIST (\\NonExistent \\HasNoChildren \\Subscribed) \"/\" \"m/test6\"",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test7/test7\"",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test8/test8\"",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test8/test9\"",
        "a OK *");
    c.runExactly("b LIST (SUBSCRIBED RECURSIVEMATCH) \"\" m/test2% RETURN (CHILDREN)",
        "* LIST (\\HasChildren) \"/\" \"m/test2\" (\"CHILDINFO\" (\"SUBSCRIBED\"))", "b OK *");
    c.runExactly("c LIST (SUBSCRIBED RECURSIVEMATCH) \"\" m*test7",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test7/test7\"", "c OK *");
    c.runExactly("d LIST (SUBSCRIBED RECURSIVEMATCH) \"\" m*test8",
        "* LIST (\\Noselect \\HasChildren) \"/\" \"m/test8\" (\"CHILDINFO\" (\"SUBSCRIBED\"))",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test8/test8\"", "d OK *");
    c.runExactly("e LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (m/test2 m/test2/test1)",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test2/test1\"", "e OK *");
  }

  @Test
  void returnOptionsAndStatus() throws Exception {
    c.runExactly("a LIST \"\" m/% RETURN (CHILDREN SUBSCRIBED)",
        "* LIST (\\HasNoChildren \\Subscribed) \"/\" \"m/test1\"",
        "* LIST (\\HasChildren) \"/\" \"m/test2\"",
        "* LIST (\\HasNoChildren) \"/\" \"m/test3\"",
        "* LIST (\\Noselect \\HasChildren) \"/\" \"m/test4\"",
        "* LIST (\\Noselect \\HasChildren) \"/\" \"m/test7\"",
        "* LIST (\\Noselect \\HasChildren) \"/\" \"m/test8\"",
        "a OK *");
    c.run("b APPEND m/test3 {5+}\r\nHi!\r\n", "b OK *");
    c.runExactly("c LIST \"\" (m/test3 m/test4) RETURN (STATUS (MESSAGES UNSEEN))",
        "* LIST (\\HasNoChildren) \"/\" \"m/test3\"", "* STATUS \"m/test3\" (MESSAGES 1 UNSEEN 1)",
        "* LIST (\\Noselect \\HasChildren) \"/\" \"m/test4\"", "c OK *");
    c.runExactly("d LIST (SPECIAL-USE) \"\" * RETURN (SPECIAL-USE)", "* LIST (* \\Archive) *", "* LIST (* \\Drafts) *",
        "* LIST (* \\Junk) *", "* LIST (* \\Sent) *", "* LIST (* \\Trash) *", "d OK *");
  }
}
