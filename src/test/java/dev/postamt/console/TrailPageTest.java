package dev.postamt.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.Admin;
import dev.postamt.events.Event;
import dev.postamt.events.SqliteTrailStore;
import dev.postamt.events.TrailKey;
import dev.postamt.events.TrailRecord;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /admin/trail}: a global administrator sees every message's trail; a domain administrator only
 * those whose sender or a recipient is in their domain, in the list and when looking one up by queue
 * id, Message-ID or address.
 */
class TrailPageTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http").user("carol");

  @BeforeAll
  static void rolesAndTrail() throws Exception {
    Admin admin = new Admin(t.config);
    admin.addDomain("other.test");
    admin.addUser("dave@other.test", TestServer.PASSWORD.toCharArray());
    admin.setAdmin("alice@example.test", null, true);
    admin.setAdmin("carol@example.test", "example.test", true);
    Instant now = Instant.now();
    try (SqliteTrailStore store = SqliteTrailStore.open(t.config.dataDir())) {
      store.append(List.of(
          new TrailRecord(now, Event.SMTP_CONNECT.key(), TrailKey.session("SMINE"), Map.of("ip", "192.0.2.1")),
          new TrailRecord(now.plusMillis(1), Event.QUEUE_QUEUED.key(), TrailKey.session("SMINE").withQueueId("QMINE")
              .withMessageId("mine@remote.test").withSender("x@remote.test").withRecipient("bob@example.test"), Map.of()),
          new TrailRecord(now.plusMillis(2), Event.DELIVERY_DELIVERED.key(), TrailKey.queue("QMINE").withRecipient("bob@example.test"),
              Map.of("reply", "2.0.0 delivered to INBOX of bob@example.test")),
          new TrailRecord(now.plusMillis(3), Event.QUEUE_QUEUED.key(), TrailKey.queue("QTHEIRS")
              .withMessageId("theirs@remote.test").withSender("x@remote.test").withRecipient("dave@other.test"), Map.of()),
          new TrailRecord(now.plusMillis(4), Event.DELIVERY_BOUNCED.key(), TrailKey.queue("QTHEIRS").withRecipient("dave@other.test"),
              Map.of("reply", "5.2.2 secret reason of other.test"))));
    }
  }

  static WebSessionClient login(String user) throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    return c;
  }

  @Test
  void aGlobalAdministratorSeesEveryTrail() throws Exception {
    WebSessionClient alice = login("alice@example.test");
    String list = alice.get("/admin/trail").body();
    assertThat(list).contains("QMINE").contains("QTHEIRS");
    String theirs = alice.get("/admin/trail?q=QTHEIRS").body();
    assertThat(theirs).contains("delivery.bounced").contains("5.2.2 secret reason of other.test");
  }

  @Test
  void aDomainAdministratorSeesOnlyTrailsOfTheirDomain() throws Exception {
    WebSessionClient carol = login("carol@example.test");
    String list = carol.get("/admin/trail").body();
    assertThat(list).contains("QMINE").doesNotContain("QTHEIRS").doesNotContain("dave@other.test");
    String mine = carol.get("/admin/trail?q=%3Cmine%40remote.test%3E").body();
    assertThat(mine).contains("queue QMINE").contains("smtp.connect").contains("delivery.delivered")
        .contains("2.0.0 delivered to INBOX of bob@example.test");
    for (String q : List.of("QTHEIRS", "theirs@remote.test", "dave@other.test", "x@remote.test")) {
      var r = carol.get("/admin/trail?q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(q).isEqualTo(200);
      assertThat(r.body()).as(q).doesNotContain("queue QTHEIRS").doesNotContain("delivery.bounced").doesNotContain("secret reason");
    }
    assertThat(carol.get("/admin/trail?q=QTHEIRS").body()).contains("No trail for QTHEIRS.");
    assertThat(carol.get("/admin/trail?q=x%40remote.test").body()).contains("queue QMINE");
  }

  @Test
  void aPlainUserGets403() throws Exception {
    assertThat(login("bob@example.test").get("/admin/trail?q=QMINE").statusCode()).isEqualTo(403);
  }
}
