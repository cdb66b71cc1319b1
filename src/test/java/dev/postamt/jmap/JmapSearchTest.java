package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Email/query text conditions through the full-text index (words, German stems and umlauts, CJK, HTML
 * reduced to text, attachment names) and SearchSnippet/get with highlights (RFC 8621 §4.4, §5).
 */
class JmapSearchTest {
  @RegisterExtension
  static final TestServer t = TestServer.create().listen("http", "https").user("heidi").user("ivan");

  static final String APPLES = """
      From: =?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.de>
      To: heidi@example.test
      Subject: Fünf Äpfel
      Date: Tue, 02 Dec 2025 10:00:00 +0100
      MIME-Version: 1.0
      Content-Type: text/plain; charset=utf-8

      Ich habe fünf Äpfel und drei Birnen gekauft. The numbers are final.
      """;
  static final String ZEBRA = """
      From: news@example.com
      To: heidi@example.test
      Subject: Newsletter
      Date: Wed, 03 Dec 2025 10:00:00 +0100
      MIME-Version: 1.0
      Content-Type: multipart/mixed; boundary="m"

      --m
      Content-Type: text/html; charset=utf-8

      <html><body><p>The <b>zebra</b> &amp; the lion &lt;3</p></body></html>
      --m
      Content-Type: text/plain; name="minutes-2025.txt"
      Content-Disposition: attachment; filename="minutes-2025.txt"

      The committee approved the budget.
      --m--
      """;
  static final String TOKYO = """
      From: tanaka@example.jp
      To: heidi@example.test
      Subject: 東京の会議
      Date: Thu, 04 Dec 2025 10:00:00 +0100
      MIME-Version: 1.0
      Content-Type: text/plain; charset=utf-8

      東京都港区で会議を開きます。
      """;

  @Test
  void textConditionsUseTheIndexWithStemsUmlautsAndCjk() throws Exception {
    JmapTest.appendTo(t, "heidi", APPLES, 1_700_000_000_000L, Set.of());
    JmapTest.appendTo(t, "heidi", ZEBRA, 1_700_000_100_000L, Set.of());
    JmapTest.appendTo(t, "heidi", TOKYO, 1_700_000_200_000L, Set.of());
    HttpTestClient c = HttpTestClient.of(t, "https", "heidi@example.test");
    String acc = JmapTest.account("heidi");
    assertThat(subjects(c, acc, "{\"text\":\"apfel\"}")).containsExactly("Fünf Äpfel");
    assertThat(subjects(c, acc, "{\"body\":\"number\"}")).containsExactly("Fünf Äpfel");
    assertThat(subjects(c, acc, "{\"from\":\"mueller\"}")).containsExactly("Fünf Äpfel");
    assertThat(subjects(c, acc, "{\"body\":\"ZEBRA lion\"}")).containsExactly("Newsletter");
    assertThat(subjects(c, acc, "{\"body\":\"html\"}")).as("markup is not text").isEmpty();
    assertThat(subjects(c, acc, "{\"text\":\"minutes\"}")).as("attachment name").containsExactly("Newsletter");
    assertThat(subjects(c, acc, "{\"body\":\"committee\"}")).as("attachment text").containsExactly("Newsletter");
    assertThat(subjects(c, acc, "{\"subject\":\"東京\"}")).containsExactly("東京の会議");
    assertThat(subjects(c, acc, "{\"body\":\"港区\"}")).containsExactly("東京の会議");
    assertThat(subjects(c, acc, "{\"text\":\"\\\"drei Birnen\\\"\"}")).containsExactly("Fünf Äpfel");
    assertThat(subjects(c, acc, "{\"text\":\"\\\"Birnen drei\\\"\"}")).as("a phrase keeps its order").isEmpty();
    assertThat(subjects(c, acc, "{\"operator\":\"NOT\",\"conditions\":[{\"text\":\"zebra\"}]}"))
        .containsExactlyInAnyOrder("Fünf Äpfel", "東京の会議");

    Map<String, Object> tooLong = c.jmap("{" + JmapTest.using() + ",\"methodCalls\":[[\"Email/query\",{\"accountId\":\""
        + acc + "\",\"filter\":{\"text\":\"" + "x".repeat(1001) + "\"}},\"q\"]]}");
    assertThat(JmapTest.name(tooLong, 0)).isEqualTo("error");
    assertThat(JmapTest.args(tooLong, 0)).containsEntry("type", "invalidArguments");
  }

  @Test
  @SuppressWarnings("unchecked")
  void searchSnippetsMarkTheWordsFound() throws Exception {
    JmapTest.appendTo(t, "ivan", APPLES, 1_700_000_000_000L, Set.of());
    JmapTest.appendTo(t, "ivan", ZEBRA, 1_700_000_100_000L, Set.of());
    HttpTestClient c = HttpTestClient.of(t, "https", "ivan@example.test");
    String acc = JmapTest.account("ivan");
    Map<String, Object> r = c.jmap("{" + JmapTest.using() + ",\"methodCalls\":["
        + "[\"Email/query\",{\"accountId\":\"" + acc + "\",\"filter\":{\"text\":\"zebra\"}},\"q\"],"
        + "[\"SearchSnippet/get\",{\"accountId\":\"" + acc + "\",\"filter\":{\"text\":\"zebra\"},"
        + "\"#emailIds\":{\"resultOf\":\"q\",\"name\":\"Email/query\",\"path\":\"/ids\"}},\"s\"],"
        + "[\"Email/query\",{\"accountId\":\"" + acc + "\",\"filter\":{\"text\":\"äpfel\"}},\"q2\"]]}");
    assertThat(JmapTest.name(r, 1)).isEqualTo("SearchSnippet/get");
    List<Map<String, Object>> list = JmapTest.list(JmapTest.args(r, 1));
    assertThat(list).hasSize(1);
    assertThat(list.getFirst()).containsEntry("subject", null);
    assertThat((String) list.getFirst().get("preview")).contains("The <mark>zebra</mark> &amp; the lion &lt;3");

    String apples = ((List<String>) JmapTest.args(r, 2).get("ids")).getFirst();
    Map<String, Object> r2 = c.jmap("{" + JmapTest.using() + ",\"methodCalls\":["
        + "[\"SearchSnippet/get\",{\"accountId\":\"" + acc + "\",\"filter\":{\"text\":\"apfel\"},"
        + "\"emailIds\":[\"" + apples + "\",\"Mzzzz\"]},\"s\"]]}");
    Map<String, Object> got = JmapTest.args(r2, 0);
    assertThat(JmapTest.list(got).getFirst()).containsEntry("subject", "Fünf <mark>Äpfel</mark>");
    assertThat((String) JmapTest.list(got).getFirst().get("preview")).contains("fünf <mark>Äpfel</mark> und");
    assertThat(got.get("notFound")).isEqualTo(List.of("Mzzzz"));
  }

  @SuppressWarnings("unchecked")
  static List<String> subjects(HttpTestClient c, String acc, String filter) throws Exception {
    Map<String, Object> r = c.jmap("{" + JmapTest.using() + ",\"methodCalls\":[[\"Email/query\",{\"accountId\":\"" + acc
        + "\",\"filter\":" + filter + "},\"q\"],[\"Email/get\",{\"accountId\":\"" + acc + "\",\"#ids\":{\"resultOf\":\"q\","
        + "\"name\":\"Email/query\",\"path\":\"/ids\"},\"properties\":[\"subject\"]},\"g\"]]}");
    assertThat(JmapTest.name(r, 0)).as(filter + " -> " + r).isEqualTo("Email/query");
    return JmapTest.list(JmapTest.args(r, 1)).stream().map(e -> (String) e.get("subject")).toList();
  }
}
