package dev.postamt.imap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §2.2, §3, §4) as transcripts. */
class ImapThreadTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
  }

  /** A message with a Date on 1 March 2021 at {@code hour}:00 UTC, and the given header lines. */
  void append(int hour, String... headers) throws Exception {
    StringBuilder m = new StringBuilder(String.format("Date: Mon, 1 Mar 2021 %02d:00:00 +0000\r\n", hour));
    for (String h : headers) {
      m.append(h).append("\r\n");
    }
    m.append("\r\nbody\r\n");
    c.run("ap APPEND INBOX {" + m.length() + "+}\r\n" + m, "ap OK *");
  }

  @Test
  void orderedSubject() throws Exception {
    append(3, "Subject: Hello");
    append(1, "Subject: Re: hello");
    append(2, "Subject: Other");
    append(4, "Subject: Re: Re: Hello");
    append(5, "Subject: Fwd: other");
    append(0, "Subject: single");
    c.run("s SELECT INBOX", "s OK *");
    // RFC 5256 §2.2: per base subject, the earliest message is the parent of the others (siblings in
    // date order); threads ordered by their first message's date.
    c.runExactly("a THREAD ORDEREDSUBJECT UTF-8 ALL", "* THREAD (6)(2 (1)(4))(3 5)", "a OK *");
    c.runExactly("b THREAD ORDEREDSUBJECT US-ASCII NOT 6", "* THREAD (2 (1)(4))(3 5)", "b OK *");
  }

  @Test
  void referencesWithMissingParents() throws Exception {
    append(1, "Message-ID: <1@x>", "Subject: Topic");
    append(2, "Message-ID: <2@x>", "References: <1@x>", "Subject: Re: Topic");
    append(3, "Message-ID: <3@x>", "References: <1@x>\r\n <2@x>", "Subject: Re: Topic");
    append(4, "Message-ID: <4@x>", "References: <missing@x>", "Subject: Lost");
    append(5, "Message-ID: <5@x>", "References: <missing@x>", "Subject: Re: Lost");
    append(6, "Message-ID: <6@x>", "In-Reply-To: <gone@x> (sent by someone)", "Subject: Alone");
    c.run("s SELECT INBOX", "s OK *");
    // 1-2-3 a chain; 4 and 5 share a missing parent, a dummy kept under the root because it has two
    // children (step 3.B); 6's missing parent has one child, so 6 is promoted.
    c.runExactly("a THREAD REFERENCES UTF-8 ALL", "* THREAD (1 2 3)((4)(5))(6)", "a OK *");
    // Without message 2, 3 still hangs under 1 (References names both).
    c.runExactly("b THREAD REFERENCES UTF-8 NOT 2", "* THREAD (1 3)((4)(5))(6)", "b OK *");
    // Without 4 the dummy for <missing@x> has one child left and is pruned.
    c.runExactly("c THREAD REFERENCES UTF-8 NOT 4", "* THREAD (1 2 3)(5)(6)", "c OK *");
  }

  @Test
  void referencesNeverMakeLoops() throws Exception {
    append(1, "Message-ID: <a@x>", "References: <b@x>", "Subject: Loop");
    append(2, "Message-ID: <b@x>", "References: <a@x>", "Subject: Loop again");
    append(3, "Message-ID: <s@x>", "References: <s@x>", "Subject: Self");
    append(4, "Message-ID: <c@x>", "References: <d@x> <e@x> <c@x> <d@x>", "Subject: Cycle in one header");
    c.run("s SELECT INBOX", "s OK *");
    // 1 hangs under (the then missing) <b@x>; when 2 arrives as <b@x>, linking it under 1 would close a
    // loop, so it stays the parent. 3 references itself: no link. 4's References would make c its own
    // ancestor; that link is skipped and 4 is under <d@x>-<e@x>, both missing, so pruned away.
    c.runExactly("a THREAD REFERENCES UTF-8 ALL", "* THREAD (2 1)(3)(4)", "a OK *");
  }

  @Test
  void duplicateMessageIdsAndSubjectGrouping() throws Exception {
    append(1, "Message-ID: <d@x>", "Subject: Dup");
    append(2, "Message-ID: <d@x>", "Subject: Dup");
    append(3, "Message-ID: <r@x>", "References: <d@x>", "Subject: Re: Dup");
    append(4, "Message-ID: <m1@x>", "Subject: Meeting");
    append(5, "Message-ID: <m2@x>", "Subject: Re: Meeting");
    append(6, "Subject: [list] Re: Meeting (fwd)");
    c.run("s SELECT INBOX", "s OK *");
    // The second <d@x> gets an id of its own; 3 replies to the first. 1 and 2 (neither a reply) are
    // joined under a dummy (step 5.C.v.d); 5 and 6 are replies by subject only and go under 4 (5.C.v.c).
    c.runExactly("a THREAD REFERENCES UTF-8 ALL", "* THREAD ((1 3)(2))(4 (5)(6))", "a OK *");
  }

  @Test
  void siblingsAndThreadsByDateAndUidThread() throws Exception {
    append(5, "Message-ID: <p@x>", "Subject: parent");
    append(9, "Message-ID: <c1@x>", "In-Reply-To: <p@x>", "Subject: late child");
    append(7, "Message-ID: <c2@x>", "In-Reply-To: <p@x>", "Subject: early child");
    append(1, "Message-ID: <o@x>", "Subject: oldest");
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a THREAD REFERENCES UTF-8 ALL", "* THREAD (4)(1 (3)(2))", "a OK *");
    c.run("d STORE 4 +FLAGS (\\Deleted)", "d OK *");
    c.run("e EXPUNGE", "* 4 EXPUNGE", "e OK *");
    append(6, "Message-ID: <n@x>", "Subject: new");
    c.run("n NOOP", "n OK *"); // (the APPEND reported 4 EXISTS)
    c.runExactly("b UID THREAD REFERENCES UTF-8 ALL", "* THREAD (1 (3)(2))(5)", "b OK *");
    c.runExactly("c THREAD REFERENCES UTF-8 ALL", "* THREAD (1 (3)(2))(4)", "c OK *");
  }

  @Test
  void errorsAndEmptyResults() throws Exception {
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a THREAD REFERENCES UTF-8 ALL", "* THREAD", "a OK *");
    c.runExactly("b THREAD ORDEREDSUBJECT UTF-8 ALL", "* THREAD", "b OK *");
    c.run("c THREAD REFS UTF-8 ALL", "c BAD *");
    c.run("d THREAD REFERENCES KOI8-R ALL", "d NO [BADCHARSET (UTF-8 US-ASCII)] *");
    c.run("e THREAD REFERENCES UTF-8", "e BAD *");
  }
}
