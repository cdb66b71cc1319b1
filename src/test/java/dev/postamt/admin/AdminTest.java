package dev.postamt.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin service as the web console calls it: typed results, one-line {@link AdminException}s. */
class AdminTest {
  @TempDir Path tmp;
  Path config;
  Admin admin;

  @BeforeEach
  void setUp() throws Exception {
    config = tmp.resolve("postamt.toml");
    Files.writeString(config, "hostname = \"mx.test\"\ndata_dir = \"" + tmp.resolve("data") + "\"\n[listen]\n");
    admin = new Admin(ConfigCheck.load(config));
  }

  @Test
  void domainsAreAddedNormalisedListedAndRemoved() {
    assertThat(admin.addDomain(" Example.TEST ")).isEqualTo("example.test");
    admin.addDomain("b.test");
    assertThat(admin.domains()).containsExactlyInAnyOrder("example.test", "b.test");
    assertThat(admin.removeDomain("EXAMPLE.test")).isEqualTo("example.test");
    assertThat(admin.domains()).containsExactly("b.test");
    assertThatThrownBy(() -> admin.addDomain("b.test")).isInstanceOf(AdminException.class).hasMessageContaining("b.test");
  }

  @Test
  void aUserGetsAMaildirAndKeepsTheMailWhenRemoved() {
    admin.addDomain("b.test");
    char[] pw = "secret".toCharArray();
    Admin.AddedUser added = admin.addUser("A@B.test", pw);
    assertThat(added.address()).isEqualTo("a@b.test");
    assertThat(pw).containsOnly('\0'); // cleared once used
    assertThat(java.nio.file.Path.of(added.maildir()).resolve("new")).isDirectory();
    assertThat(admin.users()).containsExactly("a@b.test");
    assertThat(admin.setPassword("a@b.test", "other".toCharArray())).isEqualTo("a@b.test");

    Admin.RemovedUser removed = admin.removeUser("a@b.test");
    assertThat(removed.address()).isEqualTo("a@b.test");
    assertThat(removed.mailKept()).isPresent();
    assertThat(admin.users()).isEmpty();
    assertThatThrownBy(() -> admin.addUser("c@nowhere.test", "x".toCharArray()))
        .isInstanceOf(AdminException.class);
  }

  @Test
  void quotasReportTheirSourceAndUse() {
    admin.addDomain("b.test");
    admin.addUser("a@b.test", "x".toCharArray());
    QuotaReport q = admin.quota("a@b.test");
    assertThat(q.storage()).isEqualTo(new QuotaReport.Limit(0, 0, false));
    assertThat(q.storage().describe(" bytes")).isEqualTo("0 of unlimited [default]");

    q = admin.setQuota("a@b.test", QuotaReport.parseLimit("2k", true, "SIZE"), OptionalLong.of(10));
    assertThat(q.storage()).isEqualTo(new QuotaReport.Limit(0, 2048, true));
    assertThat(q.messages().describe("")).isEqualTo("0 of 10 (0%) [user]");

    assertThat(QuotaReport.parseLimit("none", false, "--messages")).isEmpty();
    assertThat(QuotaReport.parseLimit("unlimited", true, "SIZE")).hasValue(0);
    assertThatThrownBy(() -> QuotaReport.parseLimit("lots", false, "--messages"))
        .isInstanceOf(AdminException.class)
        .hasMessage("--messages must be a number, 0, 'unlimited' or 'none', got 'lots'");
    assertThatThrownBy(() -> admin.quota("nobody@b.test")).hasMessage("user nobody@b.test does not exist");
  }

  @Test
  void aliasesKeepTheirTargetsUntilTheLastIsRemoved() {
    admin.addDomain("b.test");
    admin.addUser("a@b.test", "x".toCharArray());
    assertThat(admin.addAlias("Info@B.test", List.of("a@b.test", "x@elsewhere.test")))
        .isEqualTo(new Admin.Alias("info@b.test", List.of("a@b.test", "x@elsewhere.test")));
    assertThat(admin.aliases()).containsExactly(new Admin.Alias("info@b.test", List.of("a@b.test", "x@elsewhere.test")));
    assertThat(admin.removeAlias("info@b.test", List.of("x@elsewhere.test")).targets()).containsExactly("a@b.test");
    assertThat(admin.removeAlias("info@b.test", null)).isEqualTo(new Admin.Alias("info@b.test", List.of()));
    assertThat(admin.aliases()).isEmpty();
  }

  @Test
  void queueOperationsWorkOnTheSpoolWhenNoServerRuns() {
    QueueOperations q = admin.queue();
    assertThat(q.list()).isEmpty();
    assertThat(q.flush()).isEqualTo("0 message(s) will be tried as soon as the server runs (it is not running)");
    assertThat(q.requeueAll()).isEqualTo("requeued 0 message(s)");
    assertThatThrownBy(() -> q.show("ABCDEF123")).hasMessage("queue: no message ABCDEF123 in the queue");
    assertThatThrownBy(() -> q.hold("ABCDEF123")).hasMessage("no active message ABCDEF123 in the queue");
    assertThatThrownBy(() -> q.release("ABCDEF123")).hasMessage("no held message ABCDEF123 in the queue");
  }

  @Test
  void mailboxStatusNeedsTheUsersMaildir() {
    assertThatThrownBy(() -> admin.mailboxes().status("a@b.test"))
        .isInstanceOf(AdminException.class)
        .hasMessageStartingWith("no Maildir for a@b.test in ");
    admin.addDomain("b.test");
    admin.addUser("a@b.test", "x".toCharArray());
    assertThat(admin.mailboxes().reindex("a@b.test", false))
        .extracting(MailboxAdmin.MailboxStatus::name)
        .contains("INBOX");
    assertThat(admin.mailboxes().usage("a@b.test")).isEqualTo(new MailboxAdmin.Usage(0, 0));
  }

  @Test
  void dkimKeysAreOnlyForLocalDomains() throws Exception {
    assertThatThrownBy(() -> admin.dkimKeygen("b.test", null, "ed25519"))
        .hasMessage("not a local domain: b.test (add it with 'postamt domain add b.test')");
    admin.addDomain("b.test");
    Admin.DkimKey k = admin.dkimKeygen("B.test", "s1", "ED25519");
    assertThat(k.domain()).isEqualTo("b.test");
    assertThat(k.file()).exists();
    assertThat(k.zoneLine()).startsWith("s1._domainkey.b.test. IN TXT").contains("k=ed25519");
  }

  @Test
  void configCheckListsEveryProblem() throws Exception {
    Files.writeString(config, "hostname = 3\n[listen]\nsmtp = \"nonsense\"\n");
    ConfigCheck.Result r = ConfigCheck.check(config);
    assertThat(r.ok()).isFalse();
    assertThat(r.problems()).hasSizeGreaterThanOrEqualTo(2);
    assertThatThrownBy(() -> ConfigCheck.load(config)).isInstanceOf(AdminException.class).hasMessageStartingWith("config: ");
    assertThat(ConfigCheck.check(tmp.resolve("missing.toml")).ok()).isFalse();
  }
}
