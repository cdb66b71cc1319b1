package dev.postamt.account;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.testing.Dovecot;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Collected accounts" in self-service, with {@code serve}'s poller and Debian's Dovecot (skipped when
 * it is not installed): an account added on the page is fetched at once into the user's INBOX and
 * shows as OK with its count; a wrong password shows as the account's error with the next try; another
 * user can neither see nor remove it.
 */
class CollectPageTest {
  private static final Pattern ROW_ID = Pattern.compile("id=\"collect-(\\d+)\"");

  @TempDir Path tmp;

  private static WebSessionClient login(TestServer t, String user) throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    return c;
  }

  /** The page once {@code text} is on it (the poller works in the background). */
  private static String awaitPage(WebSessionClient c, String text) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(60));
    String body;
    do {
      body = c.get("/account/collect").body();
      if (body.contains(text)) {
        return body;
      }
      Thread.sleep(100); // polling the page, not waiting a fixed time
    } while (Instant.now().isBefore(end));
    throw new AssertionError("no \"" + text + "\" on the page:\n" + body);
  }

  @Test
  void anAccountAddedOnThePageIsFetchedAndItsErrorsShow() throws Exception {
    try (Dovecot d = Dovecot.start(tmp, "old@remote.test", "old-secret");
        TestServer t = TestServer.start(tmp.resolve("postamt"), "http = \"127.0.0.1:0\"\n")) {
      d.deliver("From: a@remote.test\r\nSubject: from afar\r\n\r\nhello\r\n");
      WebSessionClient alice = login(t, "alice@example.test");
      assertThat(alice.get("/account/collect").body()).contains("You collect from no other account");

      HttpResponse<String> bad = alice.postForm("/account/collect/add",
          form("url", "ftp://x", "login", "old@remote.test", "password", "pw"));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("not a remote account URL");

      HttpResponse<String> added = alice.postForm("/account/collect/add", form("url", "pop3s://127.0.0.1:" + d.pop3s,
          "login", d.login, "password", d.password, "insecure", "on"));
      assertThat(added.statusCode()).isEqualTo(200);
      assertThat(added.body()).contains("is added").doesNotContain(d.password);
      String page = awaitPage(alice, ">OK<");
      assertThat(page).contains("<td>1</td>");
      try (Account acc = t.server.store().open("alice@example.test")) {
        MailboxInfo inbox = acc.mailboxes().stream().filter(m -> m.name().equals("INBOX")).findFirst().orElseThrow();
        assertThat(acc.snapshot(inbox.id()).messages()).hasSize(1);
      }
      assertThat(d.inboxCount()).isZero();

      HttpResponse<String> wrong = alice.postForm("/account/collect/add", form("url", "imaps://127.0.0.1:" + d.imaps,
          "login", d.login, "password", "not-it", "insecure", "on"));
      assertThat(wrong.statusCode()).isEqualTo(200);
      String failed = awaitPage(alice, "login failed");
      assertThat(failed).contains("next try");

      Matcher m = ROW_ID.matcher(failed);
      String id = null;
      while (m.find()) {
        id = m.group(1); // the last row: the account just added
      }
      assertThat(id).isNotNull();
      WebSessionClient bob = login(t, "bob@example.test");
      assertThat(bob.get("/account/collect").body()).doesNotContain("127.0.0.1");
      assertThat(bob.postForm("/account/collect/remove", form("id", id)).statusCode()).isEqualTo(404);
      assertThat(alice.postForm("/account/collect/remove", form("id", id)).body()).contains("The account is removed");
      assertThat(alice.get("/account/collect").body()).doesNotContain("id=\"collect-" + id + "\"");
    }
  }
}
