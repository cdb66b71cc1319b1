package dev.postamt.imap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SORT (RFC 5256 §3), SORT=DISPLAY (RFC 5957) and ESORT (RFC 5267 §3) as transcripts. */
class ImapSortTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
  }

  void append(String headers, int bodyLength) throws Exception {
    append(null, headers, bodyLength);
  }

  /** A message with {@code headers} and a body of {@code bodyLength} x's; {@code date} is its INTERNALDATE. */
  void append(String date, String headers, int bodyLength) throws Exception {
    String msg = headers + "\r\n" + "x".repeat(bodyLength) + "\r\n";
    String d = date == null ? "" : " \"" + date + "\"";
    c.run("ap APPEND INBOX" + d + " {" + msg.length() + "+}\r\n" + msg, "ap OK *");
  }

  /**
   * The base subjects (RFC 5256 §2.1) of these are, by number: "a", "C", "b", "_", "b" (leaders, blobs
   * and "(fwd)" trailers gone), "b (a)", "c" (a subj-fwd inside a reply), "[xyz]" (a blob alone stays),
   * "" (none), "" (an encoded space), "b", "C", "c" (encoded words decoded first), "Ad: Re: Ad: Re: Ad:
   * x" ("Ad:" is no leader), "babylon" (nested subj-fwd). Bodies grow by 100 bytes with the number, more than the
   * headers differ, so message i is larger than message i-1.
   */
  void subjects() throws Exception {
    String[] subjects = {
      "Subject: a\r\n", "Subject: C\r\n", "Subject: b\r\n", "Subject: _\r\n",
      "Subject: [foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)\r\n", "Subject: b (a)\r\n", "Subject: Re: [FWD: c]\r\n",
      "Subject: [xyz]\r\n", "X-No-Subject: 1\r\n", "Subject: =?iso-8859-1?q?_?=\r\n", "Subject: Re: =?utf-8?q?b?=\r\n",
      "Subject: =?iso-8859-1?q?RE:_C?=\r\n", "Subject: =?us-ascii?b?UmU6IGM=?=\r\n", "Subject: Ad: Re: Ad: Re: Ad: x\r\n",
      "Subject: re: [fwd: [fwd: re: [fwd: babylon]]]\r\n",
    };
    for (int i = 0; i < subjects.length; i++) {
      append(subjects[i], 100 * (i + 1));
    }
    c.run("s SELECT INBOX", "s OK *");
  }

  @Test
  void sortBySubject() throws Exception {
    subjects();
    // "" "" A AD:… B B B "B (A)" BABYLON C C C C [XYZ] _  (upper-cased: '[' < '_', ' ' < 'A')
    c.runExactly("a SORT (SUBJECT) US-ASCII ALL", "* SORT 9 10 1 14 3 5 11 6 15 2 7 12 13 8 4", "a OK *");
    // REVERSE turns the subject order round; equal subjects stay in mailbox order (RFC 5256 §3)
    c.runExactly("b SORT (REVERSE SUBJECT) UTF-8 ALL", "* SORT 4 8 2 7 12 13 15 6 3 5 11 14 1 9 10", "b OK *");
    // equal subjects: the larger first
    c.runExactly("c SORT (SUBJECT REVERSE SIZE) us-ascii ALL", "* SORT 10 9 1 14 11 5 3 6 15 13 12 7 2 8 4", "c OK *");
    // the search criteria narrow the set (SEARCH's keys)
    c.runExactly("d SORT (SUBJECT) US-ASCII UNDELETED NOT 1:3", "* SORT 9 10 14 5 11 6 15 7 12 13 8 4", "d OK *");
  }

  @Test
  void subjectsCompareUnderUnicodeCasemap() throws Exception {
    append("Subject: Zebra\r\n", 1);
    append("Subject: =?utf-8?q?=C3=84pfel?=\r\n", 1);
    append("Subject: apfel\r\n", 1);
    append("Subject: =?utf-8?b?w6RwZmVs?=\r\n", 1); // "äpfel": equal to "Äpfel" under the casemap
    c.run("s SELECT INBOX", "s OK *");
    // i;unicode-casemap (RFC 5051): "Ä" is titlecased and decomposed to "A" + U+0308, so it follows "APFEL"
    // and precedes "ZEBRA" (as raw code points it would come after "Z").
    c.runExactly("a SORT (SUBJECT) UTF-8 ALL", "* SORT 3 2 4 1", "a OK *");
  }

  @Test
  void sortByDateArrivalAndSize() throws Exception {
    append("01-Jan-2020 00:00:00 +0000", "Date: Tue, 3 Mar 2020 10:00:00 +0100\r\n", 300); // 09:00Z
    append("01-Jan-2020 00:00:02 +0000", "Date: Tue, 3 Mar 2020 09:30:00 +0200\r\n", 100); // 07:30Z
    append("02-Mar-2020 00:00:00 +0000", "Subject: no date: the internal date counts\r\n", 200);
    append("01-Jan-2020 00:00:01 +0000", "Date: not a date at all\r\n", 400); // internal date
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a SORT (DATE) UTF-8 ALL", "* SORT 4 3 2 1", "a OK *");
    c.runExactly("b SORT (ARRIVAL) UTF-8 ALL", "* SORT 1 4 2 3", "b OK *");
    c.runExactly("c SORT (REVERSE ARRIVAL) UTF-8 ALL", "* SORT 3 2 4 1", "c OK *");
    c.runExactly("d SORT (SIZE) UTF-8 ALL", "* SORT 2 3 1 4", "d OK *");
    c.runExactly("e UID SORT (DATE) UTF-8 2:4", "* SORT 4 3 2", "e OK *");
  }

  @Test
  void addressKeysUseTheMailboxPartAndDisplayKeysTheName() throws Exception {
    append("From: Zed <aaa@z.example>\r\nTo: Zora <ccc@z.example>\r\nCc: y@b.example\r\n", 1);
    append("From: \"Aaron\" <bbb@a.example>\r\nTo: bob@b.example\r\nCc: Xavier <x@a.example>, a@a.example\r\n", 1);
    append("Subject: nobody\r\n", 1);
    append("From: =?iso-8859-1?q?M=FCller?= <mmm@m.example>\r\nTo: aaa-list: <ddd@d.example>;\r\n", 1);
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a SORT (FROM) UTF-8 ALL", "* SORT 3 1 2 4", "a OK *");
    // a group's name is its first entry's addr-mailbox (RFC 3501 §7.4.2), as in Dovecot
    c.runExactly("b SORT (TO) UTF-8 ALL", "* SORT 3 4 2 1", "b OK *");
    c.runExactly("c SORT (CC) UTF-8 ALL", "* SORT 3 4 2 1", "c OK *");
    // RFC 5957: the decoded display name, else the address
    c.runExactly("d SORT (DISPLAYFROM) UTF-8 ALL", "* SORT 3 2 4 1", "d OK *");
    c.runExactly("e SORT (DISPLAYTO) UTF-8 ALL", "* SORT 3 4 2 1", "e OK *");
    c.runExactly("f SORT (REVERSE DISPLAYFROM) UTF-8 ALL", "* SORT 1 4 2 3", "f OK *");
  }

  @Test
  void esortReturnsMinMaxCountAllInSortOrder() throws Exception {
    for (int i = 1; i <= 5; i++) {
      append("Subject: " + (char) ('f' - i) + "\r\n", 1); // e d c b a
    }
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a SORT RETURN (MIN MAX COUNT) (SUBJECT) UTF-8 ALL",
        "* ESEARCH (TAG \"a\") MIN 5 MAX 1 COUNT 5", "a OK *");
    c.runExactly("b SORT RETURN (ALL) (SUBJECT) UTF-8 2:5", "* ESEARCH (TAG \"b\") ALL 5,4,3,2", "b OK *");
    c.runExactly("c SORT RETURN () (ARRIVAL) UTF-8 ALL", "* ESEARCH (TAG \"c\") ALL 1:5", "c OK *");
    c.runExactly("d UID SORT RETURN (COUNT MIN) (ARRIVAL) UTF-8 ALL", "* ESEARCH (TAG \"d\") UID COUNT 5 MIN 1", "d OK *");
    c.runExactly("e SORT RETURN (COUNT MIN) (ARRIVAL) UTF-8 SUBJECT nothing", "* ESEARCH (TAG \"e\") COUNT 0", "e OK *");
    c.runExactly("f SORT RETURN (PARTIAL 2:3) (SUBJECT) UTF-8 ALL", "* ESEARCH (TAG \"f\") PARTIAL (2:3 4,3)", "f OK *");
    c.runExactly("g SORT RETURN (PARTIAL 9:7) (SUBJECT) UTF-8 ALL", "* ESEARCH (TAG \"g\") PARTIAL (7:9 NIL)", "g OK *");
    c.run("h SORT RETURN (PARTIAL 1:*) (SUBJECT) UTF-8 ALL", "h BAD *");
    c.run("i SORT RETURN (SAVED) (SUBJECT) UTF-8 ALL", "i BAD *");
  }

  @Test
  void errorsAndEmptyResults() throws Exception {
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a SORT (SUBJECT) UTF-8 ALL", "* SORT", "a OK *");
    c.run("b SORT (SUBJECT) ISO-8859-1 ALL", "b NO [BADCHARSET (UTF-8 US-ASCII)] *");
    c.run("c SORT (SUBJECT BOGUS) UTF-8 ALL", "c BAD *");
    c.run("d SORT (REVERSE) UTF-8 ALL", "d BAD *");
    c.run("e SORT () UTF-8 ALL", "e BAD *");
    c.run("f SORT (SUBJECT) UTF-8", "f BAD *");
    c.run("g SORT (REVERSE REVERSE DATE) UTF-8 ALL", "g BAD *");
    c.run("h UNSELECT", "h OK *");
    c.run("i SORT (SUBJECT) UTF-8 ALL", "i BAD *");
  }

  @Test
  void capabilitiesAfterLogin() throws Exception {
    c.run("a CAPABILITY", "* CAPABILITY * SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES*", "a OK *");
  }

  /** A message expunged elsewhere is not reported in a SORT by sequence number; a later command reports it. */
  @Test
  void sortHoldsBackExpungesLikeSearch() throws Exception {
    append("Subject: one\r\n", 1);
    append("Subject: two\r\n", 1);
    c.run("s SELECT INBOX", "s OK *");
    ImapClient other = server.login("alice");
    other.run("s SELECT INBOX", "s OK *");
    other.run("a STORE 1 +FLAGS (\\Deleted)", "a OK *");
    other.run("b EXPUNGE", "b OK *");
    c.runExactly("a SORT (SUBJECT) UTF-8 ALL", "* SORT 1 2", "a OK *");
    c.run("b NOOP", "* 1 EXPUNGE", "b OK *");
    c.runExactly("c SORT (SUBJECT) UTF-8 ALL", "* SORT 1", "c OK *");
  }

  /**
   * SORT and THREAD read each message's header once (SortFieldCache), not at every command: a file
   * changed behind the store's back (which never happens to a real message) keeps its first subject.
   */
  @Test
  void headersAreReadOncePerMessage() throws Exception {
    append("Subject: bbb\r\n", 1);
    append("Subject: aaa\r\n", 1);
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a SORT (SUBJECT) UTF-8 ALL", "* SORT 2 1", "a OK *");
    java.nio.file.Path maildir = dev.postamt.store.MailboxLayout.maildir(server.dataDir, "alice@example.test");
    int changed = 0;
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(maildir)) {
      for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        String text = java.nio.file.Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.startsWith("Subject: bbb")) {
          java.nio.file.Files.writeString(f, text.replace("Subject: bbb", "Subject: Aaa"),
              java.nio.charset.StandardCharsets.ISO_8859_1);
          changed++;
        }
      }
    }
    org.assertj.core.api.Assertions.assertThat(changed).isEqualTo(1);
    c.runExactly("b FETCH 1 BODY.PEEK[HEADER]", "* 1 FETCH (BODY[HEADER] {*}\r\nSubject: Aaa\r\n\r\n)", "b OK *");
    c.runExactly("c SORT (SUBJECT) UTF-8 ALL", "* SORT 2 1", "c OK *");
  }

  /** RFC 5182 §2.4 (SEARCHRES with ESORT): SORT RETURN (SAVE) fills "$" like SEARCH does. */
  @Test
  void sortReturnSaveFillsTheSearchResultVariable() throws Exception {
    for (int i = 1; i <= 5; i++) {
      append("Subject: " + (char) ('f' - i) + "\r\n", 1); // e d c b a
    }
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a SORT RETURN (SAVE) (SUBJECT) UTF-8 2:4", "a OK *");
    c.runExactly("b SEARCH $", "* SEARCH 2 3 4", "b OK *");
    // with MIN and MAX only, "$" holds the first and the last in sort order
    c.runExactly("c SORT RETURN (SAVE MIN MAX) (SUBJECT) UTF-8 2:4", "* ESEARCH (TAG \"c\") MIN 4 MAX 2", "c OK *");
    c.runExactly("d UID SORT (SUBJECT) UTF-8 $", "* SORT 4 2", "d OK *");
    c.run("e SORT RETURN (SAVE) (SUBJECT) KOI8-R ALL", "e NO [BADCHARSET*");
    c.runExactly("f SEARCH $", "* SEARCH", "f OK *");
  }
}
