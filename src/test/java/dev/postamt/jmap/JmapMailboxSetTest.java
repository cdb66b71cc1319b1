package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Account;
import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Mailbox/set (RFC 8621 §2.5): create under a parent by creation id, rename and move, destroy, and the refusals. */
@SuppressWarnings("unchecked")
class JmapMailboxSetTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http");

  private static final String USING = "\"using\":[\"urn:ietf:params:jmap:core\",\"urn:ietf:params:jmap:mail\"]";

  private static Map<String, Object> call(String calls) throws Exception {
    return HttpTestClient.of(t, "http", "alice@example.test").jmap("{" + USING + ",\"methodCalls\":[" + calls + "]}");
  }

  private static String acc() {
    return Ids.account("alice@example.test");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static List<String> names() {
    try (Account a = t.server.store().open("alice@example.test")) {
      return a.mailboxes().stream().map(m -> m.name()).toList();
    }
  }

  @Test
  void createsRenamesMovesAndDestroys() throws Exception {
    Map<String, Object> r = call("[\"Mailbox/set\",{\"accountId\":\"" + acc() + "\",\"create\":{"
        + "\"p\":{\"name\":\"Projects\"},\"c\":{\"name\":\"Küche\",\"parentId\":\"#p\"}}},\"0\"]");
    Map<String, Object> a = JmapTest.args(r, 0);
    assertThat(map(a.get("created"))).containsKeys("p", "c");
    assertThat(names()).contains("Projects", "Projects/Küche");
    String child = (String) map(map(a.get("created")).get("c")).get("id");
    String parent = (String) map(map(a.get("created")).get("p")).get("id");

    Map<String, Object> u = JmapTest.args(call("[\"Mailbox/set\",{\"accountId\":\"" + acc() + "\",\"update\":{\""
        + child + "\":{\"name\":\"Kitchen\",\"parentId\":null}}},\"0\"]"), 0);
    assertThat(map(u.get("updated"))).containsKey(child);
    assertThat(names()).contains("Kitchen").doesNotContain("Projects/Küche");

    Map<String, Object> d = JmapTest.args(call("[\"Mailbox/set\",{\"accountId\":\"" + acc() + "\",\"destroy\":[\""
        + parent + "\",\"" + child + "\"]},\"0\"]"), 0);
    assertThat((List<Object>) d.get("destroyed")).containsExactlyInAnyOrder(parent, child);
    assertThat(names()).doesNotContain("Projects", "Kitchen");
  }

  @Test
  void refusesWhatRfc8621Refuses() throws Exception {
    try (Account a = t.server.store().open("alice@example.test")) {
      a.create("Full", null);
      a.create("Full/Sub", null);
      byte[] msg = "Subject: x\r\n\r\ny\r\n".getBytes();
      a.append("Full", new java.io.ByteArrayInputStream(msg), msg.length, Set.of(), System.currentTimeMillis());
    }
    String full;
    String inbox;
    try (Account a = t.server.store().open("alice@example.test")) {
      full = Ids.mailbox(a.mailbox("Full").orElseThrow().id());
      inbox = Ids.mailbox(a.mailbox("INBOX").orElseThrow().id());
    }
    Map<String, Object> r = JmapTest.args(call("[\"Mailbox/set\",{\"accountId\":\"" + acc() + "\",\"destroy\":[\"" + full
        + "\",\"" + inbox + "\"],\"create\":{\"x\":{\"name\":\"a/b\"},\"y\":{\"name\":\"J\",\"role\":\"inbox\"}}},\"0\"]"), 0);
    assertThat(map(map(r.get("notDestroyed")).get(full)).get("type")).isEqualTo("mailboxHasChild");
    assertThat(map(map(r.get("notDestroyed")).get(inbox)).get("type")).isEqualTo("forbidden");
    assertThat(map(map(r.get("notCreated")).get("x")).get("type")).isEqualTo("invalidProperties");
    assertThat(map(map(r.get("notCreated")).get("y")).get("type")).isEqualTo("invalidProperties");

    try (Account a = t.server.store().open("alice@example.test")) {
      a.delete("Full/Sub");
    }
    Map<String, Object> withMail = JmapTest.args(call("[\"Mailbox/set\",{\"accountId\":\"" + acc() + "\",\"destroy\":[\""
        + full + "\"]},\"0\"]"), 0);
    assertThat(map(map(withMail.get("notDestroyed")).get(full)).get("type")).isEqualTo("mailboxHasEmail");
    Map<String, Object> removed = JmapTest.args(call("[\"Mailbox/set\",{\"accountId\":\"" + acc() + "\",\"destroy\":[\""
        + full + "\"],\"onDestroyRemoveEmails\":true},\"0\"]"), 0);
    assertThat((List<Object>) removed.get("destroyed")).containsExactly(full);
  }
}
