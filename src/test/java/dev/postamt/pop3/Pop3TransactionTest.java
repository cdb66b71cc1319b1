package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MessageRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TRANSACTION and UPDATE states: STAT, LIST, UIDL, RETR, TOP, DELE, RSET, NOOP, QUIT. */
class Pop3TransactionTest {
  @TempDir Path dir;

  static final String M1 = "Subject: one\r\nFrom: a@example.test\r\n\r\nline 1\r\n.dot line\r\nline 3\r\n";
  static final String M2_LF = "Subject: two\n\nbare LF body\n..two dots\nno final newline";

  @Test
  void statListAndRetrAgreeOnExactSizes() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      s.deliver("alice@example.test", M1);
      s.deliver("alice@example.test", M2_LF);
      // as sent: CRLF everywhere, the missing final line end added
      String m2Wire = "Subject: two\r\n\r\nbare LF body\r\n..two dots\r\nno final newline\r\n";
      int size1 = M1.length();
      int size2 = m2Wire.length();
      try (Pop3Client c = s.login("alice")) {
        c.send("STAT").expect("+OK 2 " + (size1 + size2));
        c.send("LIST").expect("+OK 2 messages (" + (size1 + size2) + " octets)");
        assertThat(c.multi()).containsExactly("1 " + size1, "2 " + size2);
        c.send("LIST 2").expect("+OK 2 " + size2);
        c.send("RETR 1").expect("+OK " + size1 + " octets");
        byte[] raw1 = c.rawBody();
        assertThat(new String(raw1, StandardCharsets.US_ASCII))
            .isEqualTo("Subject: one\r\nFrom: a@example.test\r\n\r\nline 1\r\n..dot line\r\nline 3\r\n.\r\n");
        c.send("RETR 2").expect("+OK " + size2 + " octets");
        assertThat(c.multi()).containsExactly("Subject: two", "", "bare LF body", "..two dots", "no final newline");
        c.send("QUIT").expect("+OK*(2 messages left)");
      }
    }
  }

  @Test
  void topSendsHeaderBlankLineAndNLines() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      s.deliver("alice@example.test", M1);
      s.deliver("alice@example.test", "Subject: no body\r\n");
      try (Pop3Client c = s.login("alice")) {
        c.send("TOP 1 0").expect("+OK*");
        assertThat(c.multi()).containsExactly("Subject: one", "From: a@example.test", "");
        c.send("TOP 1 2").expect("+OK*");
        assertThat(c.multi()).containsExactly("Subject: one", "From: a@example.test", "", "line 1", ".dot line");
        c.send("TOP 1 99").expect("+OK*");
        assertThat(c.multi()).hasSize(6);
        c.send("TOP 2 5").expect("+OK*");
        assertThat(c.multi()).containsExactly("Subject: no body");
        c.send("TOP 1").expect("-ERR TOP takes 2 arguments");
        c.send("TOP 1 -1").expect("-ERR Invalid number of lines: -1");
        c.send("TOP 3 1").expect("-ERR No such message, only 2 messages in maildrop");
      }
    }
  }

  @Test
  void uidlIsTheStoreIdentityAndStableAcrossSessions() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      s.deliver("alice@example.test", M1);
      s.deliver("alice@example.test", M1);
      s.deliver("alice@example.test", M1);
      List<String> first;
      try (Pop3Client c = s.login("alice")) {
        c.send("UIDL").expect("+OK*");
        first = c.multi();
        c.send("UIDL 2").expect("+OK " + first.get(1));
        c.send("DELE 1").expect("+OK Message 1 deleted");
        c.send("QUIT").expect("+OK*(2 messages left)");
      }
      try (Account a = s.store.open("alice@example.test")) {
        var snap = a.snapshot(a.mailbox("INBOX").orElseThrow().id());
        List<String> expect = snap.messages().stream()
            .map(m -> String.format("%08x%08x", m.uid(), snap.info().uidValidity())).toList();
        assertThat(first.subList(1, 3)).extracting(l -> l.split(" ")[1]).isEqualTo(expect);
        // Dovecot's form, lower-case hex: the UID in eight digits, then the UIDVALIDITY
        assertThat(first.get(1).split(" ")[1]).matches("0000000[0-9a-f]{9}");
      }
      s.deliver("alice@example.test", M1);
      try (Pop3Client c = s.login("alice")) {
        c.send("UIDL").expect("+OK*");
        List<String> second = c.multi();
        // renumbered 1..3, but the ids of the two survivors are unchanged, the new one is new
        assertThat(second).hasSize(3);
        assertThat(second.get(0).split(" ")[1]).isEqualTo(first.get(1).split(" ")[1]);
        assertThat(second.get(1).split(" ")[1]).isEqualTo(first.get(2).split(" ")[1]);
        assertThat(second.get(2).split(" ")[1]).isNotIn(first.stream().map(l -> l.split(" ")[1]).toList());
        assertThat(second).allMatch(l -> l.split(" ")[1].matches("[0-9a-f]{16}"));
      }
    }
  }

  @Test
  void deleTakesEffectOnlyAtQuitAndRsetUndoes() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      for (int i = 0; i < 3; i++) {
        s.deliver("alice@example.test", M1);
      }
      try (Pop3Client c = s.login("alice")) {
        c.send("DELE 2").expect("+OK Message 2 deleted");
        c.send("DELE 2").expect("-ERR Message 2 already deleted");
        c.send("RETR 2").expect("-ERR Message 2 already deleted");
        c.send("STAT").expect("+OK 2 " + 2 * M1.length());
        c.send("LIST").expect("+OK 2 messages*");
        assertThat(c.multi()).containsExactly("1 " + M1.length(), "3 " + M1.length());
        c.send("RSET").expect("+OK Maildrop has 3 messages (" + 3 * M1.length() + " octets)");
        c.send("DELE 1").expect("+OK*");
        c.send("DELE 3").expect("+OK*");
      }
      // dropped without QUIT: nothing happened
      assertThat(inbox(s)).hasSize(3);
      try (Pop3Client c = s.login("alice")) {
        c.send("STAT").expect("+OK 3 *");
        c.send("DELE 1").expect("+OK*");
        c.send("DELE 3").expect("+OK*");
        c.send("NOOP").expect("+OK");
        assertThat(inbox(s)).hasSize(3);
        c.send("QUIT").expect("+OK*(1 message left)");
      }
      // gone from the store (and so for IMAP), files included
      assertThat(inbox(s)).hasSize(1);
      assertThat(java.nio.file.Files.list(s.dataDir.resolve("mail/example.test/alice/Maildir/cur")).count()).isEqualTo(1);
    }
  }

  @Test
  void retrMarksSeenAtQuitButTopDoesNot() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      s.deliver("alice@example.test", M1);
      s.deliver("alice@example.test", M1);
      s.deliver("alice@example.test", M1);
      try (Pop3Client c = s.login("alice")) {
        c.send("RETR 1").expect("+OK*");
        c.multi();
        c.send("TOP 2 1").expect("+OK*");
        c.multi();
        c.send("RETR 3").expect("+OK*");
        c.multi();
        c.send("DELE 3").expect("+OK*");
        c.send("QUIT").expect("+OK*");
      }
      List<MessageRecord> left = inbox(s);
      assertThat(left).hasSize(2);
      assertThat(left.get(0).has(Flags.SEEN)).isTrue();
      assertThat(left.get(1).has(Flags.SEEN)).isFalse();
    }
  }

  @Test
  void messageNumbersAreFixedAndNewMailWaitsForTheNextSession() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      s.deliver("alice@example.test", M1);
      try (Pop3Client c = s.login("alice")) {
        c.send("STAT").expect("+OK 1 *");
        s.deliver("alice@example.test", M2_LF);
        c.send("STAT").expect("+OK 1 *");
        c.send("LIST 2").expect("-ERR No such message, only 1 message in maildrop");
        c.send("RSET").expect("+OK Maildrop has 1 messages*");
        c.send("QUIT").expect("+OK*");
      }
      try (Pop3Client c = s.login("alice")) {
        c.send("STAT").expect("+OK 2 *");
        c.send("TOP 2 0").expect("+OK*");
        assertThat(c.multi()).containsExactly("Subject: two", "");
      }
    }
  }

  @Test
  void messageExpungedByImapMeanwhileGetsAClearError() throws Exception {
    try (Pop3TestServer s = Pop3TestServer.start(dir)) {
      s.deliver("alice@example.test", M1);
      try (Pop3Client c = s.login("alice")) {
        try (Account a = s.store.open("alice@example.test")) {
          long id = a.mailbox("INBOX").orElseThrow().id();
          a.store(id, List.of(a.messages(id).getFirst().uid()), Account.FlagMode.ADD, List.of(Flags.DELETED));
          a.expunge(id, java.util.Optional.empty());
        }
        c.send("RETR 1").expect("-ERR Message 1 was removed by another client");
        c.send("DELE 1").expect("+OK*");
        c.send("QUIT").expect("+OK*");
      }
    }
  }

  @Test
  void argumentErrors() throws Exception {
    var settings = new Pop3Settings("pop.example.test", 8192, java.time.Duration.ofMinutes(10), 10, 3,
        java.time.Duration.ZERO, false);
    try (Pop3TestServer s = Pop3TestServer.start(dir, settings)) {
      s.deliver("alice@example.test", M1);
      try (Pop3Client c = s.login("alice")) {
        c.send("RETR").expect("-ERR RETR takes 1 argument");
        c.send("RETR x").expect("-ERR Invalid message number: x");
        c.send("RETR 0").expect("-ERR No such message*");
        c.send("DELE 99999999999").expect("-ERR Invalid message number*");
        c.send("LIST 1 2").expect("-ERR LIST takes 0 to 1 arguments");
        c.send("USER bob").expect("-ERR USER is not allowed after login");
        c.send("stat").expect("+OK 1 *");
        c.send("QUIT now").expect("-ERR QUIT takes no arguments");
        c.send("QUIT").expect("+OK*");
        assertThat(c.closedByServer()).isTrue();
      }
    }
  }

  static List<MessageRecord> inbox(Pop3TestServer s) {
    try (Account a = s.store.open("alice@example.test")) {
      return a.snapshot(a.mailbox("INBOX").orElseThrow().id()).messages();
    }
  }
}
