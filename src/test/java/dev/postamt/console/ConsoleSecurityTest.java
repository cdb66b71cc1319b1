package dev.postamt.console;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.Admin;
import dev.postamt.directory.Directory;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may do what in the admin console, over HTTP: a plain user gets 403 everywhere, a domain
 * administrator sees and changes only their domain (also with a guessed address or id), a forged
 * cross-site POST changes nothing.
 */
class ConsoleSecurityTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http").user("carol");

  static final List<String> PAGES = List.of("/admin/", "/admin/domains", "/admin/domains/show?name=example.test", "/admin/users",
      "/admin/users/show?address=alice@example.test", "/admin/aliases", "/admin/dkim", "/admin/queue", "/admin/message?id=Q1",
      "/admin/quarantine", "/admin/bans", "/admin/greylist");
  static final List<String> ACTIONS = List.of("domains/add", "domains/remove", "users/add", "users/password", "users/quota",
      "users/disable", "users/enable", "users/admin", "users/remove", "aliases/add", "aliases/remove", "dkim/generate",
      "queue/flush", "queue/hold", "queue/release", "queue/requeue", "queue/delete", "quarantine/release", "quarantine/delete",
      "bans/add", "bans/remove", "greylist/remove");

  static Admin admin;

  @BeforeAll
  static void roles() throws Exception {
    admin = new Admin(t.config);
    admin.addDomain("other.test");
    admin.addUser("dave@other.test", TestServer.PASSWORD.toCharArray());
    admin.setAdmin("alice@example.test", null, true);
    admin.setAdmin("carol@example.test", "example.test", true);
    Quarantine.of(t.config.dataDir()).store(new Quarantine.Entry("HELDOTHER", Instant.now(), "eve@remote.example",
        List.of("dave@other.test"), "virus Test.Eicar", "for dave", "192.0.2.9", "7BIT", false, 0),
        new ByteArrayInputStream("Subject: for dave\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)));
  }

  static WebSessionClient login(String user) throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    return c;
  }

  @Test
  void aPlainUserGets403OnEveryPageAndEveryPost() throws Exception {
    WebSessionClient bob = login("bob@example.test");
    for (String page : PAGES) {
      assertThat(bob.get(page).statusCode()).as(page).isEqualTo(403);
    }
    Map<String, String> fields = form("name", "new.test", "address", "made@example.test", "password", "pw-made-1",
        "storage", "1", "role", "global", "targets", "bob@example.test", "id", "HELDOTHER", "target", "192.0.2.1");
    for (String action : ACTIONS) {
      HttpResponse<String> r = bob.postForm("/admin/" + action, fields);
      assertThat(r.statusCode()).as(action).isEqualTo(403);
      assertThat(r.body()).doesNotContain("Exception");
    }
    assertThat(admin.domains()).doesNotContain("new.test");
    assertThat(admin.users()).doesNotContain("made@example.test");
    assertThat(admin.account("bob@example.test").roles().administers()).isFalse();
    assertThat(admin.quarantine().list()).extracting(Quarantine.Entry::id).contains("HELDOTHER");
    assertThat(admin.bans().list()).isEmpty();
  }

  @Test
  void nobodyLoggedInIsSentToTheLoginPage() throws Exception {
    WebSessionClient anon = new WebSessionClient(t);
    HttpResponse<String> r = anon.get("/admin/users");
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/login?next="));
    assertThat(anon.postForm("/admin/users/add", form("address", "x@example.test", "password", "x"), false).statusCode())
        .isIn(303, 403);
    assertThat(admin.users()).doesNotContain("x@example.test");
  }

  @Test
  void aDomainAdministratorSeesAndChangesOnlyTheirDomain() throws Exception {
    WebSessionClient carol = login("carol@example.test");
    String users = carol.get("/admin/users").body();
    assertThat(users).contains("bob@example.test").doesNotContain("dave@other.test");
    assertThat(carol.get("/admin/domains").body()).contains("example.test").doesNotContain("other.test");
    assertThat(carol.get("/admin/users/show?address=dave@other.test").statusCode()).isEqualTo(404);
    assertThat(carol.get("/admin/domains/show?name=other.test").statusCode()).isEqualTo(404);
    assertThat(carol.get("/admin/quarantine").body()).doesNotContain("HELDOTHER");
    assertThat(carol.get("/admin/message?id=HELDOTHER").body()).doesNotContain("for dave");
    assertThat(carol.get("/admin/bans").statusCode()).isEqualTo(403);
    assertThat(carol.get("/admin/greylist").statusCode()).isEqualTo(403);

    // POSTs with a guessed address or id from the other domain
    assertThat(carol.postForm("/admin/users/password", form("address", "dave@other.test", "password", "taken-over-1")).statusCode())
        .isEqualTo(404);
    assertThat(carol.postForm("/admin/users/quota", form("address", "dave@other.test", "storage", "1")).statusCode()).isEqualTo(404);
    assertThat(carol.postForm("/admin/users/disable", form("address", "dave@other.test")).statusCode()).isEqualTo(404);
    assertThat(carol.postForm("/admin/users/remove", form("address", "dave@other.test")).statusCode()).isEqualTo(404);
    assertThat(carol.postForm("/admin/users/add", form("address", "mallory@other.test", "password", "pw-mal-1")).statusCode())
        .isEqualTo(400);
    assertThat(carol.postForm("/admin/aliases/add", form("address", "postmaster@other.test", "targets", "carol@example.test"))
        .statusCode()).isEqualTo(400);
    assertThat(carol.postForm("/admin/dkim/generate", form("domain", "other.test", "algorithm", "ed25519")).statusCode()).isEqualTo(404);
    assertThat(carol.postForm("/admin/quarantine/release", form("id", "HELDOTHER")).statusCode()).isEqualTo(404);
    assertThat(carol.postForm("/admin/quarantine/delete", form("id", "HELDOTHER")).statusCode()).isEqualTo(404);
    // and what only global administrators may do
    assertThat(carol.postForm("/admin/users/admin", form("address", "carol@example.test", "role", "global")).statusCode())
        .isEqualTo(403);
    assertThat(carol.postForm("/admin/domains/add", form("name", "mine.test")).statusCode()).isEqualTo(403);
    assertThat(carol.postForm("/admin/queue/flush", form()).statusCode()).isEqualTo(403);

    try (Directory d = Directory.open(t.config.dataDir())) {
      assertThat(d.authenticate("dave@other.test", TestServer.PASSWORD.toCharArray())).contains("dave@other.test");
      assertThat(d.security().disabled("dave@other.test")).isFalse();
    }
    assertThat(admin.quota("dave@other.test").storage().own()).isFalse();
    assertThat(admin.users()).contains("dave@other.test").doesNotContain("mallory@other.test");
    assertThat(admin.aliases()).noneMatch(a -> a.address().equals("postmaster@other.test"));
    assertThat(admin.dkimKeys("other.test")).isEmpty();
    assertThat(admin.quarantine().list()).extracting(Quarantine.Entry::id).contains("HELDOTHER");
    assertThat(admin.account("carol@example.test").roles().admin()).isFalse();
    assertThat(admin.domains()).doesNotContain("mine.test");

    // nor take over a global administrator of their own domain
    assertThat(carol.get("/admin/users/show?address=alice@example.test").body()).contains("administers more than you do")
        .doesNotContain("users/password");
    assertThat(carol.postForm("/admin/users/password", form("address", "alice@example.test", "password", "taken-over-2")).statusCode())
        .isEqualTo(403);
    assertThat(carol.postForm("/admin/users/disable", form("address", "alice@example.test")).statusCode()).isEqualTo(403);
    assertThat(carol.postForm("/admin/users/remove", form("address", "alice@example.test")).statusCode()).isEqualTo(403);
    assertThat(carol.postForm("/admin/aliases/add", form("address", "alice@example.test", "targets", "carol@example.test"))
        .statusCode()).isEqualTo(403);
    assertThat(admin.aliases()).noneMatch(a -> a.address().equals("alice@example.test"));
    try (Directory d = Directory.open(t.config.dataDir())) {
      assertThat(d.authenticate("alice@example.test", TestServer.PASSWORD.toCharArray())).isPresent();
      assertThat(d.security().disabled("alice@example.test")).isFalse();
    }

    // in their own domain it works
    HttpResponse<String> quota = carol.postForm("/admin/users/quota", form("address", "bob@example.test", "storage", "50M", "messages", ""));
    assertThat(quota.statusCode()).isEqualTo(303);
    assertThat(admin.quota("bob@example.test").storage().limit()).isEqualTo(50L << 20);
  }

  @Test
  void aForgedCrossSitePostIsRefusedAndChangesNothing() throws Exception {
    WebSessionClient alice = login("alice@example.test");
    HttpResponse<String> noToken = alice.postForm("/admin/users/add", form("address", "forged1@example.test", "password", "pw-f-1"), false);
    assertThat(noToken.statusCode()).isEqualTo(403);
    HttpResponse<String> wrongToken = alice.postForm("/admin/users/add",
        form("address", "forged2@example.test", "password", "pw-f-2", "csrf", "not-the-token"), false);
    assertThat(wrongToken.statusCode()).isEqualTo(403);
    HttpResponse<String> foreign = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(alice.base + "/admin/users/add"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", alice.cookie)
        .header("Origin", "https://evil.example")
        .POST(HttpRequest.BodyPublishers.ofString("address=forged3%40example.test&password=pw-f-3&csrf=" + alice.csrf)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(alice.get("/admin/users/add").statusCode()).as("a GET changes nothing either").isEqualTo(404);
    assertThat(admin.users()).doesNotContain("forged1@example.test", "forged2@example.test", "forged3@example.test");
    // the same form with the token and our origin works
    assertThat(alice.postForm("/admin/users/add", form("address", "real@example.test", "password", "pw-real-1")).statusCode())
        .isEqualTo(303);
    assertThat(admin.users()).contains("real@example.test");
  }
}
