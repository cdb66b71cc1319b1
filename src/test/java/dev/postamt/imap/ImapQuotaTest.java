package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import dev.postamt.testing.TestServer;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 9208 QUOTA against the whole server: limits come from the directory, usage from the store. */
class ImapQuotaTest {
  /** 1500 octets: two make 3000 (3 KiB rounded up), a third would pass a 4096-octet limit. */
  static final String MSG = message(1500);

  @RegisterExtension final TestServer t = TestServer.create();
  Directory directory;
  ImapClient c;

  static String message(int size) {
    String head = "Subject: quota\r\n\r\n";
    return head + "x".repeat(size - head.length() - 2) + "\r\n";
  }

  @BeforeEach
  void start() throws Exception {
    directory = t.server.directory();
    c = t.imapLogin("alice@example.test");
  }

  void limit(long bytes, long messages) throws Exception {
    directory.setStorageQuota("alice@example.test", OptionalLong.of(bytes));
    directory.setMessageQuota("alice@example.test", OptionalLong.of(messages));
  }

  String append(String tag, String mailbox) throws Exception {
    c.send(tag + " APPEND " + mailbox + " {" + MSG.length() + "+}\r\n" + MSG);
    return c.until(tag).getLast();
  }

  @Test
  void capabilitiesAndAUserWithoutLimits() throws Exception {
    c.runExactly("a CAPABILITY", "* CAPABILITY * QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE*", "a OK *");
    assertThat(c.run("b CAPABILITY").getFirst()).doesNotContain("QUOTASET"); // SETQUOTA is not offered
  }

  @Test
  void noLimitsMeansNoQuotaRoot() throws Exception {
    c.runExactly("a GETQUOTAROOT INBOX", "* QUOTAROOT \"INBOX\"", "a OK GETQUOTAROOT completed");
    c.runExactly("b GETQUOTA \"\"", "b NO [NONEXISTENT] No such quota root");
    assertThat(append("c", "INBOX")).startsWith("c OK [APPENDUID ");
  }

  @Test
  void getQuotaRootAndGetQuotaReportUsageAndLimits() throws Exception {
    limit(4096, 10);
    c.runExactly("a GETQUOTAROOT inbox",
        "* QUOTAROOT \"INBOX\" \"\"", "* QUOTA \"\" (STORAGE 0 4 MESSAGE 0 10)", "a OK GETQUOTAROOT completed");
    assertThat(append("b", "INBOX")).startsWith("b OK");
    assertThat(append("c", "Sent")).startsWith("c OK");
    // one root over all mailboxes
    c.runExactly("d GETQUOTAROOT Sent",
        "* QUOTAROOT \"Sent\" \"\"", "* QUOTA \"\" (STORAGE 3 4 MESSAGE 2 10)", "d OK GETQUOTAROOT completed");
    c.runExactly("e GETQUOTA \"\"", "* QUOTA \"\" (STORAGE 3 4 MESSAGE 2 10)", "e OK GETQUOTA completed");
    c.runExactly("f GETQUOTA \"User quota\"", "f NO [NONEXISTENT] No such quota root");
    c.runExactly("g GETQUOTAROOT Nope", "g NO [NONEXISTENT] Mailbox doesn't exist: Nope");
    // only limited resources are listed
    limit(0, 10);
    c.runExactly("h GETQUOTA \"\"", "* QUOTA \"\" (MESSAGE 2 10)", "h OK GETQUOTA completed");
  }

  @Test
  void appendBeyondTheLimitIsOverquota() throws Exception {
    limit(4096, 0);
    assertThat(append("a", "INBOX")).startsWith("a OK");
    assertThat(append("b", "INBOX")).startsWith("b OK");
    assertThat(append("c", "INBOX")).isEqualTo("c NO [OVERQUOTA] Quota exceeded (mailbox for user is full)");
    c.run("d STATUS INBOX (MESSAGES)", "* STATUS \"INBOX\" (MESSAGES 2)", "d OK *");
    // the admin raises the limit: effective at once
    limit(8192, 0);
    assertThat(append("e", "INBOX")).startsWith("e OK");
    // and a message-count limit
    limit(0, 3);
    assertThat(append("f", "Drafts")).startsWith("f NO [OVERQUOTA] ");
  }

  @Test
  void copyBeyondTheLimitIsRefusedMoveIsNotAndExpungeFreesSpace() throws Exception {
    limit(4096, 0);
    append("a", "INBOX");
    append("b", "INBOX");
    c.run("s SELECT INBOX", "* 2 EXISTS", "s OK *");
    c.runExactly("c COPY 1 Archive", "c NO [OVERQUOTA] Quota exceeded (mailbox for user is full)");
    c.runExactly("d UID COPY 1:2 Archive", "d NO [OVERQUOTA] *");
    c.run("e STATUS Archive (MESSAGES)", "* STATUS \"Archive\" (MESSAGES 0)", "e OK *");
    c.run("f MOVE 1 Trash", "* OK [COPYUID * 1 1] *", "* 1 EXPUNGE", "f OK MOVE completed");
    c.run("g COPY 1 Nope", "g NO [TRYCREATE] *");
    c.run("h STORE 1 +FLAGS.SILENT (\\Deleted)", "h OK *");
    c.run("i STATUS INBOX (DELETED DELETED-STORAGE)", "* STATUS \"INBOX\" (DELETED 1 DELETED-STORAGE 2)", "i OK *");
    c.run("j EXPUNGE", "* 1 EXPUNGE", "j OK *");
    c.runExactly("k GETQUOTA \"\"", "* QUOTA \"\" (STORAGE 2 4)", "k OK GETQUOTA completed");
    c.run("l SELECT Trash", "* 1 EXISTS", "l OK *");
    c.run("m COPY 1 Archive", "m OK [COPYUID * 1 1] COPY completed"); // fits again
  }

  @Test
  void setQuotaIsRefusedAndParsedStrictly() throws Exception {
    limit(4096, 0);
    c.runExactly("a SETQUOTA \"\" (STORAGE 1000000)", "a NO [NOPERM] Quota limits are set by the administrator");
    c.runExactly("b SETQUOTA \"\" ()", "b NO [NOPERM] *");
    c.runExactly("c SETQUOTA \"\" (STORAGE)", "c BAD *");
    c.runExactly("d SETQUOTA \"\" STORAGE 5", "d BAD *");
    c.runExactly("e GETQUOTA", "e BAD *");
    c.runExactly("f GETQUOTAROOT", "f BAD *");
    c.runExactly("g GETQUOTA \"\"", "* QUOTA \"\" (STORAGE 0 4)", "g OK GETQUOTA completed");
    assertThat(directory.quota("alice@example.test").orElseThrow().storageBytes()).hasValue(4096);
  }

  @Test
  void quotaCommandsNeedALogin() throws Exception {
    try (ImapClient anon = new ImapClient("127.0.0.1", t.port("imap"))) {
      anon.greeting();
      anon.runExactly("a GETQUOTAROOT INBOX", "a BAD GETQUOTAROOT not allowed before login");
    }
  }
}
