package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Rights;
import dev.postamt.store.SqliteMailStore;
import dev.postamt.store.SqliteShares;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt mailbox share|unshare|shares|send-as}, and what they leave in the store. */
class MailboxCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    cli.ok("domain", "add", "b.test");
    cli.ok("user", "add", "team@b.test", "--password", "x");
    cli.ok("user", "add", "a@b.test", "--password", "x");
    cli.ok("user", "add", "c@b.test", "--password", "x");
  }

  Path dataDir() {
    return tmp.resolve("data");
  }

  @Test
  void shareListUnshare() {
    assertThat(cli.ok("mailbox", "share", "Team@b.test", "Projects", "--with", "A@b.test", "--rights", "lrs").out())
        .isEqualTo("shared Projects of Team@b.test with a@b.test: lrs\n");
    cli.ok("mailbox", "share", "team@b.test", "inbox", "--with", "b.test"); // every user of the domain, default rights
    cli.ok("mailbox", "share", "team@b.test", "INBOX", "--with", "anyone", "--rights", "l");
    assertThat(cli.ok("mailbox", "shares", "team@b.test").lines()).containsExactly(
        "INBOX @b.test " + Rights.parse("lrswipkxten").letters(), "INBOX anyone l", "Projects a@b.test lrs");
    SqliteShares shares = new SqliteShares(dataDir());
    assertThat(shares.sharedAccounts()).containsExactly("team@b.test");
    assertThat(shares.rightsOf("c@b.test", "team@b.test", "INBOX").letters()).isEqualTo("lrswipkxten");
    try (SqliteMailStore store = new SqliteMailStore(dataDir())) {
      assertThat(store.mailboxExists("team@b.test", "Projects")).isTrue(); // created by share
    }
    assertThat(cli.ok("mailbox", "unshare", "team@b.test", "Projects", "--with", "a@b.test").out())
        .isEqualTo("unshared Projects of team@b.test from a@b.test\n");
    assertThat(cli.ok("mailbox", "shares", "team@b.test").lines()).hasSize(2);
  }

  @Test
  void sendAsGrantAndRevoke() {
    cli.ok("mailbox", "share", "team@b.test", "INBOX", "--with", "a@b.test", "--send-as");
    assertThat(cli.ok("mailbox", "send-as", "team@b.test", "c@b.test").out()).isEqualTo("granted: c@b.test sends as team@b.test\n");
    assertThat(cli.ok("mailbox", "shares", "team@b.test").lines()).contains("send-as a@b.test", "send-as c@b.test");
    assertThat(SqliteShares.sendAsGranted(dataDir(), "C@b.test", "team@B.test")).isTrue();
    cli.ok("mailbox", "send-as", "team@b.test", "c@b.test", "--revoke");
    assertThat(SqliteShares.sendAsGranted(dataDir(), "c@b.test", "team@b.test")).isFalse();
    assertThat(cli.run("mailbox", "send-as", "team@b.test", "c@b.test", "--revoke").err())
        .isEqualTo("postamt: c@b.test may not send as team@b.test now\n");
  }

  @Test
  void errors() {
    assertThat(cli.run("mailbox", "share", "nobody@b.test", "INBOX", "--with", "a@b.test").err())
        .startsWith("postamt: no such user: nobody@b.test");
    assertThat(cli.run("mailbox", "share", "team@b.test", "INBOX", "--with", "x@b.test").err())
        .startsWith("postamt: no such user: x@b.test");
    assertThat(cli.run("mailbox", "share", "team@b.test", "INBOX", "--with", "other.test").err())
        .startsWith("postamt: not a user, 'anyone' or a local domain");
    assertThat(cli.run("mailbox", "share", "team@b.test", "INBOX", "--with", "a@b.test", "--rights", "lrz").err())
        .startsWith("postamt: unknown right 'z'");
    assertThat(cli.run("mailbox", "share", "team@b.test", "INBOX", "--with", "b.test", "--send-as").err())
        .startsWith("postamt: --send-as needs a user's address");
    assertThat(cli.run("mailbox", "unshare", "team@b.test", "INBOX", "--with", "a@b.test").status()).isEqualTo(1);
    assertThat(cli.run("mailbox", "share", "team@b.test", "INBOX").status()).isEqualTo(2); // --with is required
  }
}
