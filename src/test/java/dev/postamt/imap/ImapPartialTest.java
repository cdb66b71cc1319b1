package dev.postamt.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PARTIAL (RFC 9394): pages of SEARCH and SORT results and of UID FETCH, counted from either end. */
class ImapPartialTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();

  /** Ten messages with subjects j, i, …, a (so SORT (SUBJECT) reverses them); 2, 5 and 7 \Deleted. */
  private ImapClient tenMessages() throws Exception {
    ImapClient c = server.login("alice");
    for (int i = 0; i < 10; i++) {
      String m = "Subject: " + (char) ('j' - i) + "\r\n\r\nbody\r\n";
      c.run("ap APPEND INBOX {" + m.length() + "+}\r\n" + m, "ap OK *");
    }
    c.run("s SELECT INBOX", "s OK *");
    c.run("d STORE 2,5,7 +FLAGS.SILENT (\\Deleted)", "d OK *");
    return c;
  }

  @Test
  void capabilityIsAdvertised() throws Exception {
    try (ImapClient c = server.login("alice")) {
      c.run("a CAPABILITY", "* CAPABILITY * PARTIAL*", "a OK *");
    }
  }

  @Test
  void searchPagesFromTheStartAndFromTheEnd() throws Exception {
    try (ImapClient c = tenMessages()) {
      // RFC 9394 §3.1: the range is repeated, the page is a set, NIL when empty.
      c.runExactly("a UID SEARCH RETURN (PARTIAL 1:3) UNDELETED", "* ESEARCH (TAG \"a\") UID PARTIAL (1:3 1,3:4)",
          "a OK *");
      c.runExactly("b UID SEARCH RETURN (PARTIAL 4:10) UNDELETED", "* ESEARCH (TAG \"b\") UID PARTIAL (4:10 6,8:10)",
          "b OK *");
      c.runExactly("c SEARCH RETURN (PARTIAL -1:-2) UNDELETED", "* ESEARCH (TAG \"c\") PARTIAL (-1:-2 9:10)", "c OK *");
      c.runExactly("d SEARCH RETURN (PARTIAL -5:-3) ALL", "* ESEARCH (TAG \"d\") PARTIAL (-3:-5 6:8)", "d OK *");
      c.runExactly("e SEARCH RETURN (PARTIAL 8:20) UNDELETED", "* ESEARCH (TAG \"e\") PARTIAL (8:20 NIL)", "e OK *");
      c.runExactly("f SEARCH RETURN (PARTIAL -20:-1) DELETED", "* ESEARCH (TAG \"f\") PARTIAL (-1:-20 2,5,7)",
          "f OK *");
      c.runExactly("g SEARCH RETURN (COUNT PARTIAL 1:1) DELETED",
          "* ESEARCH (TAG \"g\") COUNT 3 PARTIAL (1:1 2)", "g OK *");
    }
  }

  @Test
  void badRangesAreRefused() throws Exception {
    try (ImapClient c = tenMessages()) {
      c.run("a SEARCH RETURN (PARTIAL 0:5) ALL", "a BAD *");
      c.run("b SEARCH RETURN (PARTIAL 1:-5) ALL", "b BAD *");
      c.run("c SEARCH RETURN (PARTIAL) ALL", "c BAD *");
      c.run("d SEARCH RETURN (PARTIAL 1:*) ALL", "d BAD *");
      c.run("e UID FETCH 1:* (UID) (PARTIAL -1:5)", "e BAD *");
      c.run("f SORT RETURN (PARTIAL 5:-1) (SUBJECT) UTF-8 ALL", "f BAD *");
    }
  }

  @Test
  void saveKeepsThePageReturned() throws Exception {
    try (ImapClient c = tenMessages()) {
      c.runExactly("a SEARCH RETURN (SAVE PARTIAL -1:-2) ALL", "* ESEARCH (TAG \"a\") PARTIAL (-1:-2 9:10)", "a OK *");
      c.runExactly("b UID FETCH $ (UID)", "* 9 FETCH (UID 9)", "* 10 FETCH (UID 10)", "b OK *");
    }
  }

  @Test
  void sortPagesInSortOrder() throws Exception {
    try (ImapClient c = tenMessages()) {
      // Subjects sort a..j, that is messages 10, 9, …, 1.
      c.runExactly("a SORT RETURN (PARTIAL 1:3) (SUBJECT) UTF-8 ALL", "* ESEARCH (TAG \"a\") PARTIAL (1:3 10,9,8)",
          "a OK *");
      c.runExactly("b SORT RETURN (PARTIAL -1:-2) (SUBJECT) UTF-8 UNDELETED",
          "* ESEARCH (TAG \"b\") PARTIAL (-1:-2 3,1)", "b OK *");
    }
  }

  @Test
  void uidFetchPages() throws Exception {
    try (ImapClient c = tenMessages()) {
      // RFC 9394 §3.2: the last two messages of those the set names, whatever their UIDs.
      c.runExactly("a UID FETCH 1:* (FLAGS) (PARTIAL -1:-2)",
          "* 9 FETCH (UID 9 FLAGS (\\Recent))", "* 10 FETCH (UID 10 FLAGS (\\Recent))", "a OK *");
      c.runExactly("b UID FETCH 3:8 (UID) (PARTIAL 2:3)", "* 4 FETCH (UID 4)", "* 5 FETCH (UID 5)", "b OK *");
      c.runExactly("c FETCH 1:* (UID) (PARTIAL 11:12)", "c OK *");
      c.runExactly("d UID FETCH 1:* (UID) (CHANGEDSINCE 1 PARTIAL -1:-1)", "* OK [HIGHESTMODSEQ *",
          "* 10 FETCH (UID 10 MODSEQ (*))", "d OK *");
    }
  }
}
