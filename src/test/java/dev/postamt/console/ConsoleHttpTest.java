package dev.postamt.console;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.Admin;
import dev.postamt.directory.Directory;
import dev.postamt.policy.SqliteGreylistStore;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The console's pages and changes over HTTP, each checked against the admin service's state afterwards. */
class ConsoleHttpTest {
  static final int CLOSED_PORT = dev.postamt.testing.Ports.closed();

  @RegisterExtension
  static final TestServer t = TestServer.create().listen("http").user("carol").user("dan")
      .toml("[delivery]\nremote_port = " + CLOSED_PORT + "\n")
      .zone("remote.example. MX 10 mx.remote.example.\nmx.remote.example. A 127.0.0.1\n");

  static Admin admin;
  static WebSessionClient alice;

  @BeforeAll
  static void setUp() throws Exception {
    admin = new Admin(t.config);
    admin.setAdmin("alice@example.test", null, true);
    alice = new WebSessionClient(t);
    assertThat(alice.login("alice@example.test", TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
  }


  private static String flash(HttpResponse<String> posted) throws Exception {
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);
    return alice.get(posted.headers().firstValue("Location").orElseThrow()).body();
  }

  @Test
  void domainsAddShowAndRemove() throws Exception {
    HttpResponse<String> bad = alice.postForm("/admin/domains/add", form("name", "not a domain"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("class=\"field-error\"").doesNotContain("Exception");
    assertThat(flash(alice.postForm("/admin/domains/add", form("name", "Shop.Test"))))
        .contains("Added domain shop.test").contains("id=\"dns\"").contains("_dmarc.shop.test.");
    assertThat(alice.get("/admin/domains").body()).contains("shop.test");
    assertThat(flash(alice.postForm("/admin/domains/remove", form("name", "shop.test")))).contains("Removed domain shop.test");
    assertThat(admin.domains()).doesNotContain("shop.test");
  }

  @Test
  void usersPasswordDisableAndRoles() throws Exception {
    HttpResponse<String> noPassword = alice.postForm("/admin/users/add", form("address", "fay@example.test", "password", ""));
    assertThat(noPassword.statusCode()).isEqualTo(400);
    assertThat(noPassword.body()).contains("Enter a password.");
    assertThat(flash(alice.postForm("/admin/users/password", form("address", "dan@example.test", "password", "new-dan-pass"))))
        .contains("Changed the password of dan@example.test");
    try (Directory d = Directory.open(t.config.dataDir())) {
      assertThat(d.authenticate("dan@example.test", "new-dan-pass".toCharArray())).isPresent();
    }
    assertThat(flash(alice.postForm("/admin/users/disable", form("address", "dan@example.test")))).contains("Disabled dan@example.test");
    assertThat(new WebSessionClient(t).login("dan@example.test", "new-dan-pass", null).statusCode()).isEqualTo(401);
    assertThat(alice.get("/admin/users").body()).contains("disabled");
    flash(alice.postForm("/admin/users/enable", form("address", "dan@example.test")));
    assertThat(new WebSessionClient(t).login("dan@example.test", "new-dan-pass", null).statusCode()).isEqualTo(303);

    assertThat(flash(alice.postForm("/admin/users/admin", form("address", "dan@example.test", "role", "domain", "domain", "example.test"))))
        .contains("dan@example.test is now admin of example.test");
    assertThat(admin.account("dan@example.test").roles().domains()).containsExactly("example.test");
    flash(alice.postForm("/admin/users/admin", form("address", "dan@example.test", "role", "undomain", "domain", "example.test")));
    assertThat(admin.account("dan@example.test").roles().administers()).isFalse();

    HttpResponse<String> badQuota = alice.postForm("/admin/users/quota", form("address", "dan@example.test", "storage", "lots", "view", "show"));
    assertThat(badQuota.statusCode()).isEqualTo(400);
    assertThat(badQuota.body()).contains("<h1>User dan@example.test</h1>").contains("a size like 500M");
    assertThat(alice.get("/admin/users/show?address=nobody@example.test").statusCode()).isEqualTo(404);
    HttpResponse<String> self = alice.postForm("/admin/users/disable", form("address", "alice@example.test", "view", "show"));
    assertThat(self.statusCode()).isEqualTo(400);
    assertThat(self.body()).contains("You cannot lock yourself out");
    assertThat(admin.account("alice@example.test").disabled()).isFalse();
  }

  @Test
  void aliasesAddAndRemoveTargets() throws Exception {
    HttpResponse<String> none = alice.postForm("/admin/aliases/add", form("address", "sales@example.test", "targets", " "));
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(none.body()).contains("Enter at least one target address.");
    assertThat(flash(alice.postForm("/admin/aliases/add", form("address", "sales@example.test", "targets", "bob@example.test, carl@remote.example"))))
        .contains("Alias sales@example.test goes to bob@example.test, carl@remote.example");
    flash(alice.postForm("/admin/aliases/remove", form("address", "sales@example.test", "target", "carl@remote.example")));
    assertThat(admin.aliases()).anySatisfy(a -> {
      assertThat(a.address()).isEqualTo("sales@example.test");
      assertThat(a.targets()).containsExactly("bob@example.test");
    });
    assertThat(flash(alice.postForm("/admin/aliases/remove", form("address", "sales@example.test")))).contains("Removed alias sales@example.test");
    assertThat(admin.aliases()).noneMatch(a -> a.address().equals("sales@example.test"));
  }

  @Test
  void dkimKeysAreGeneratedAndShownWithTheirRecord() throws Exception {
    flash(alice.postForm("/admin/dkim/generate", form("domain", "example.test", "selector", "k1", "algorithm", "ed25519")));
    String page = alice.get("/admin/dkim?domain=example.test").body();
    assertThat(page).contains("k1._domainkey.example.test. IN TXT").contains("v=DKIM1; k=ed25519; p=")
        .doesNotContain("PRIVATE KEY");
    HttpResponse<String> again = alice.postForm("/admin/dkim/generate", form("domain", "example.test", "selector", "k1", "algorithm", "rsa"));
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("already exists");
  }

  @Test
  void queueHoldReleaseAndDeleteWithTheMessageView() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<carol@example.test>").expect("250 *");
      s.send("RCPT TO:<carl@remote.example>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: for the queue\r\nX-Spam-Status: No, score=0.1\r\n\r\nbody\r\n.\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
    QueuedMessage m = admin.queue().list().stream().filter(q -> q.envelope().sender().equals("carol@example.test")).findFirst()
        .orElseThrow();
    String id = m.id();
    assertThat(alice.get("/admin/queue").body()).contains(id).contains("carl@remote.example");
    assertThat(flash(alice.postForm("/admin/queue/hold", form("id", id)))).contains(id + " is on hold");
    assertThat(admin.queue().show(id).held()).isTrue();
    String view = alice.get("/admin/message?id=" + id).body();
    assertThat(view).contains("In the queue (on hold)").contains("carol@example.test").contains("carl@remote.example")
        .contains("Subject: for the queue").contains("X-Spam-Status: No").contains("issue 23");
    assertThat(alice.get("/admin/queue/show?id=" + id).headers().firstValue("Location")).contains("/admin/message?id=" + id);
    flash(alice.postForm("/admin/queue/release", form("id", id, "view", "message")));
    assertThat(admin.queue().show(id).held()).isFalse();
    assertThat(flash(alice.postForm("/admin/queue/delete", form("id", id)))).contains("Deleted " + id);
    assertThat(admin.queue().list()).noneMatch(q -> q.id().equals(id));
    assertThat(alice.get("/admin/message?id=" + id).body()).contains("No message " + id);
    assertThat(alice.postForm("/admin/queue/hold", form("id", "NOSUCHID")).statusCode()).isEqualTo(404);
  }

  @Test
  void bansAndGreylist() throws Exception {
    HttpResponse<String> badLength = alice.postForm("/admin/bans/add", form("target", "192.0.2.7", "for", "a while"));
    assertThat(badLength.statusCode()).isEqualTo(400);
    assertThat(badLength.body()).contains("Enter a duration like 30m");
    assertThat(flash(alice.postForm("/admin/bans/add", form("target", "192.0.2.7", "for", "2h")))).contains("Banned 192.0.2.7 until");
    assertThat(admin.bans().list()).anySatisfy(b -> assertThat(b.network()).startsWith("192.0.2.7"));
    String network = admin.bans().list().getFirst().network();
    assertThat(alice.get("/admin/bans").body()).contains(network);
    flash(alice.postForm("/admin/bans/remove", form("target", network)));
    assertThat(admin.bans().list()).isEmpty();

    try (SqliteGreylistStore g = SqliteGreylistStore.open(t.config.dataDir())) {
      g.start("192.0.2.0/24/eve@remote.example/bob@example.test", Instant.now());
    }
    assertThat(alice.get("/admin/greylist").body()).contains("192.0.2.0/24/eve@remote.example/bob@example.test").contains("waiting");
    flash(alice.postForm("/admin/greylist/remove", form("triplet", "192.0.2.0/24/eve@remote.example/bob@example.test")));
    assertThat(admin.greylist().list()).isEmpty();
  }

  @Test
  void theDashboardCountsAndUnknownPagesAre404() throws Exception {
    String page = alice.get("/admin/").body();
    assertThat(page).contains("id=\"card-users\"").contains("id=\"card-bans\"");
    assertThat(alice.get("/admin/nothing").statusCode()).isEqualTo(404);
    assertThat(alice.get("/admin/users/show/extra").statusCode()).isEqualTo(404);
    assertThat(alice.postForm("/admin/users/nothing", form("address", "bob@example.test")).statusCode()).isEqualTo(404);
  }
}
