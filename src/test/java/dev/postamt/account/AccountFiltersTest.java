package dev.postamt.account;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rule builder and the raw Sieve editor, down to where delivered mail lands. */
class AccountFiltersTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http").user("carol").user("dave");

  private static WebSessionClient login(String user) throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    return c;
  }

  private static void send(String to, String subject) throws Exception {
    send(to, "someone@remote.example", subject);
  }

  private static void send(String to, String from, String subject) throws Exception {
    try (SmtpScript s = t.smtp("smtp")) {
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<someone@remote.example>").expect("250 *");
      s.send("RCPT TO:<" + to + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nhello\r\n.\r\n").expect("250 *");
    }
  }

  /** Waits (polling, bounded) for a message containing {@code text} in a Maildir folder. */
  private static Optional<String> awaitIn(Path maildir, String text) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      for (Path p : TestServer.messagesIn(maildir)) {
        String m = Files.readString(p, StandardCharsets.ISO_8859_1);
        if (m.contains(text)) {
          return Optional.of(m);
        }
      }
      Thread.sleep(20);
    }
    return Optional.empty();
  }

  @Test
  void aSubjectRuleFilesDeliveredMailIntoItsFolder() throws Exception {
    String user = "alice@example.test";
    WebSessionClient c = login(user);
    assertThat(c.get("/account/filters").body()).contains("You have no rules yet");
    HttpResponse<String> r = c.postForm("/account/filters/add",
        form("field", "subject", "match", "contains", "text", "[list]", "action", "fileinto", "argument", "Lists"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("When Subject contains \u201c[list]\u201d: Move to folder Lists");
    SieveScripts.Script active = t.server.sieveScripts().active(user).orElseThrow();
    assertThat(active.name()).isEqualTo(FilterRules.SCRIPT_NAME);
    assertThat(active.text()).contains("if header :contains \"subject\" \"[list]\" {\n  fileinto :create \"Lists\";\n}");

    send(user, "[list] weekly news");
    send(user, "a personal note");
    assertThat(awaitIn(t.maildir(user).resolve(".Lists"), "Subject: [list] weekly news")).isPresent();
    assertThat(awaitIn(t.maildir(user), "Subject: a personal note")).isPresent();
    assertThat(TestServer.messagesIn(t.maildir(user))).noneMatch(p -> read(p).contains("[list] weekly news"));

    // "is" on From compares the address, whatever the display name
    c.postForm("/account/filters/add",
        form("field", "from", "match", "is", "text", "Boss@Example.org", "action", "fileinto", "argument", "Boss"));
    send(user, "The Boss <boss@example.org>", "see me");
    send(user, "The Boss <boss@example.org.evil>", "not the boss");
    assertThat(awaitIn(t.maildir(user).resolve(".Boss"), "Subject: see me")).isPresent();
    assertThat(awaitIn(t.maildir(user), "Subject: not the boss")).isPresent();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void badRulesAreShownNextToTheirFieldAndNothingIsStored() throws Exception {
    String user = "bob@example.test";
    WebSessionClient c = login(user);
    HttpResponse<String> noText = c.postForm("/account/filters/add",
        form("field", "from", "match", "contains", "text", "", "action", "flag", "argument", ""));
    assertThat(noText.statusCode()).isEqualTo(400);
    assertThat(noText.body()).contains("class=\"has-error\"", "The text is empty");
    HttpResponse<String> badAddress = c.postForm("/account/filters/add",
        form("field", "from", "match", "contains", "text", "x", "action", "forward", "argument", "nobody"));
    assertThat(badAddress.statusCode()).isEqualTo(400);
    assertThat(badAddress.body()).contains("Enter the address to forward to").contains("value=\"nobody\"");
    assertThat(t.server.sieveScripts().list(user)).isEmpty();
  }

  @Test
  void rulesWithQuotesBackslashesAndNonAsciiRoundTripAndCanBeRemoved() throws Exception {
    String user = "carol@example.test";
    WebSessionClient c = login(user);
    c.postForm("/account/filters/add", form("field", "to", "match", "is", "text", "say \"hi\" \\ <b>", "action", "flag"));
    c.postForm("/account/filters/add", form("field", "subject", "match", "contains", "text", "Grüße", "action", "fileinto",
        "argument", "Familie"));
    HttpResponse<String> page = c.get("/account/filters");
    assertThat(page.body()).contains("When To or Cc is \u201csay &quot;hi&quot; \\ &lt;b&gt;\u201d: Flag it",
        "When Subject contains \u201cGrüße\u201d: Move to folder Familie").doesNotContain("<b>");
    String text = t.server.sieveScripts().get(user, FilterRules.SCRIPT_NAME).orElseThrow().text();
    assertThat(text).contains("\"say \\\"hi\\\" \\\\ <b>\"", "\"Grüße\"");
    HttpResponse<String> removed = c.postForm("/account/filters/remove", form("index", "0"));
    assertThat(removed.body()).contains("Removed: When To or Cc").doesNotContain("Flag it</span>");
    assertThat(t.server.sieveScripts().get(user, FilterRules.SCRIPT_NAME).orElseThrow().text())
        .doesNotContain("addflag").contains("Grüße");
    assertThat(c.postForm("/account/filters/remove", form("index", "5")).statusCode()).isEqualTo(404);
  }

  @Test
  void theRawEditorShowsLineAndColumnAndDoesNotStoreABrokenScript() throws Exception {
    String user = "dave@example.test";
    WebSessionClient c = login(user);
    HttpResponse<String> broken = c.postForm("/account/filters/raw",
        form("name", "mine", "script", "require \"fileinto\";\r\nif header :contains \"subject\" \"x\" {\r\n  fileinto \"y\"\r\n}\r\n",
            "activate", "on"));
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).contains("id=\"sieve-errors\"", "was not saved").containsPattern("<code class=\"position\">4:1: [^<]+</code>")
        .contains("<pre class=\"sieve-line\">}\n^</pre>")
        .as("the text stays in the editor").contains("fileinto &quot;y&quot;");
    assertThat(t.server.sieveScripts().get(user, "mine")).isEmpty();

    HttpResponse<String> badName = c.postForm("/account/filters/raw", form("name", "a/b", "script", "keep;"));
    assertThat(badName.statusCode()).isEqualTo(400);
    assertThat(badName.body()).contains("The name is not allowed");

    HttpResponse<String> ok = c.postForm("/account/filters/raw", form("name", "mine", "script", "require \"fileinto\";\r\nfileinto \"Everything\";\r\n",
        "activate", "on"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("is saved and active");
    assertThat(t.server.sieveScripts().active(user).orElseThrow().text()).isEqualTo("require \"fileinto\";\nfileinto \"Everything\";\n");

    // a script written by hand is not the builder's: it says so and does not overwrite it
    assertThat(c.get("/account/filters").body()).contains("id=\"filters-foreign\"");
    assertThat(c.postForm("/account/filters/add", form("field", "from", "match", "contains", "text", "x", "action", "flag"))
        .statusCode()).isEqualTo(409);
    assertThat(c.postForm("/account/filters/raw/delete", form("name", "mine")).body()).contains("active");
    assertThat(t.server.sieveScripts().get(user, "mine")).isPresent();
    assertThat(c.postForm("/account/filters/raw/off", form()).body()).contains("No script is active now");
    assertThat(c.postForm("/account/filters/raw/delete", form("name", "mine")).body()).contains("is deleted");
    assertThat(t.server.sieveScripts().list(user)).isEmpty();
    assertThat(c.get("/account/filters").body()).contains("You have no rules yet");
  }
}
