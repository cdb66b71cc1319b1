package dev.postamt.account;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.sieve.store.Vacations;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The vacation page over the {@link Vacations} interface: what it stores, what it refuses, whose it is. */
class AccountVacationTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http");
  static final MemoryVacations vacations = new MemoryVacations();
  static AccountWeb web;

  @BeforeAll
  static void start() throws Exception {
    web = new AccountWeb(t, vacations);
  }

  @AfterAll
  static void stop() {
    web.close();
  }

  @Test
  void savesTheReplyWithWholeUtcDays() throws Exception {
    WebSessionClient c = web.login("alice@example.test");
    assertThat(c.get("/account/vacation").body()).contains("id=\"vacation-state\">The vacation reply is <strong>off");
    HttpResponse<String> r = c.postForm("/account/vacation", form("enabled", "on", "from", "2026-07-01", "to", "2026-07-14",
        "subject", "Away \"till\" mid-July", "body", "I am away.\r\nBack on the 15th. Grüße"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("The vacation reply is saved", "value=\"2026-07-01\"", "value=\"2026-07-14\"",
        "Away &quot;till&quot; mid-July", "Back on the 15th. Grüße");
    Vacations.Vacation v = vacations.get("alice@example.test");
    assertThat(v).isEqualTo(new Vacations.Vacation(true, Instant.parse("2026-07-01T00:00:00Z"),
        Instant.parse("2026-07-15T00:00:00Z"), "Away \"till\" mid-July", "I am away.\nBack on the 15th. Grüße", null));
    assertThat(v.activeAt(Instant.parse("2026-07-14T23:59:59Z"))).as("the last day is included").isTrue();

    HttpResponse<String> off = c.postForm("/account/vacation", form("from", "", "to", "", "subject", "", "body", "kept text"));
    assertThat(off.body()).contains("The vacation reply is off");
    assertThat(vacations.get("alice@example.test")).isEqualTo(new Vacations.Vacation(false, null, null, null, "kept text", null));
  }

  @Test
  void badInputIsShownNextToItsFieldAndNothingIsSaved() throws Exception {
    WebSessionClient c = web.login("bob@example.test");
    HttpResponse<String> r = c.postForm("/account/vacation", form("enabled", "on", "from", "2026-08-10", "to", "2026-08-01",
        "subject", "x", "body", ""));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("Nothing was saved", "The last day is before the first day", "Write the message the reply says");
    HttpResponse<String> date = c.postForm("/account/vacation", form("enabled", "on", "from", "10.8.2026", "body", "away"));
    assertThat(date.statusCode()).isEqualTo(400);
    assertThat(date.body()).contains("Enter a date as YYYY-MM-DD", "value=\"10.8.2026\"");
    assertThat(vacations.settings).doesNotContainKey("bob@example.test");
    // a forged form and an address field change nothing of anyone's
    assertThat(c.postForm("/account/vacation", form("enabled", "on", "body", "forged"), false).statusCode()).isEqualTo(403);
    assertThat(vacations.settings).doesNotContainKey("bob@example.test");
    c.postForm("/account/vacation", form("enabled", "on", "body", "bob's own", "address", "carol@example.test"));
    assertThat(vacations.settings).containsKey("bob@example.test").doesNotContainKey("carol@example.test");
  }
}
