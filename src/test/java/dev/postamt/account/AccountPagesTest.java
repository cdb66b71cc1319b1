package dev.postamt.account;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import dev.postamt.directory.Totp;
import dev.postamt.imap.ImapClient;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The self-service pages over HTTP, as a browser uses them: each page's happy path and its validation
 * errors, app passwords that then work over IMAP and SMTP, tokens over JMAP, the second factor, and
 * that one user's session never reaches another's data or changes anything without the CSRF token.
 */
class AccountPagesTest {
  @RegisterExtension static final TestServer t =
      TestServer.create().listen("http").user("carol").user("dave").user("erin").user("fred").user("gina");

  private static final Pattern SECRET = Pattern.compile("id=\"secret\">([^<]+)<");
  private static final Pattern REVOKE = Pattern.compile("name=\"id\" value=\"([0-9a-f]+)\"");

  private static WebSessionClient login(String user) throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    return c;
  }

  private static String group(Pattern p, String body) {
    Matcher m = p.matcher(body);
    assertThat(m.find()).as("%s in the page", p).isTrue();
    return m.group(1);
  }

  @Test
  void withoutASessionEveryPageSendsToTheLogin() throws Exception {
    WebSessionClient anonymous = new WebSessionClient(t);
    for (String path : new String[] {"/account/", "/account/password", "/account/filters/raw?name=x"}) {
      HttpResponse<String> r = anonymous.get(path);
      assertThat(r.statusCode()).isEqualTo(303);
      assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith("/login?next=");
    }
    assertThat(anonymous.postForm("/account/app-passwords", form("name", "x")).statusCode()).isEqualTo(303);
  }

  @Test
  void theOverviewShowsTheUsersOwnAccount() throws Exception {
    WebSessionClient c = login("alice@example.test");
    HttpResponse<String> r = c.get("/account/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("id=\"address\">alice@example.test<", "id=\"card-quota\"", "id=\"card-spam\"",
        "id=\"card-sessions\"", "href=\"/static/account.css\"").doesNotContain("bob@example.test");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
    assertThat(r.body()).doesNotContain("<script", "style=\"", " onclick=");
    assertThat(c.get("/account/no-such-page").statusCode()).isEqualTo(404);
    // an address in the query is not honoured: the page is still the session's own
    assertThat(c.get("/account/?address=bob@example.test").body()).contains("id=\"address\">alice@example.test<");
  }

  @Test
  void theOtherBrowserSessionsCanBeLoggedOutFromTheOverview() throws Exception {
    WebSessionClient mine = login("gina@example.test");
    WebSessionClient other = login("gina@example.test");
    WebSessionClient bobs = login("bob@example.test");
    assertThat(mine.get("/account/").body()).contains("id=\"end-others-button\"");
    assertThat(mine.postForm("/account/sessions/end-others", form(), false).statusCode()).isEqualTo(403);
    assertThat(other.get("/account/").statusCode()).isEqualTo(200);
    HttpResponse<String> r = mine.postForm("/account/sessions/end-others", form());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("The other browser session is logged out.");
    assertThat(other.get("/account/").statusCode()).isEqualTo(303);
    assertThat(mine.get("/account/").statusCode()).isEqualTo(200);
    assertThat(bobs.get("/account/").statusCode()).as("another user's session is not touched").isEqualTo(200);
  }

  @Test
  void changingThePasswordChecksItEndsOtherSessionsAndKeepsAppPasswords() throws Exception {
    String user = "carol@example.test";
    WebSessionClient c = login(user);
    WebSessionClient other = login(user);
    String app = group(SECRET, c.postForm("/account/app-passwords", form("name", "phone")).body());
    assertThat(c.get("/account/password").body()).contains("At least 10 characters");

    HttpResponse<String> shortOne = c.postForm("/account/password", form("current", TestServer.PASSWORD, "password", "short", "again", "short"));
    assertThat(shortOne.statusCode()).isEqualTo(400);
    assertThat(shortOne.body()).contains("class=\"field-error\"", "needs at least 10");
    HttpResponse<String> differ = c.postForm("/account/password",
        form("current", TestServer.PASSWORD, "password", "correct horse battery", "again", "correct horse battery!"));
    assertThat(differ.statusCode()).isEqualTo(400);
    assertThat(differ.body()).contains("The two new passwords differ");
    HttpResponse<String> wrong = c.postForm("/account/password",
        form("current", "not-it", "password", "correct horse battery", "again", "correct horse battery"));
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("not your current password");
    HttpResponse<String> forged = c.postForm("/account/password",
        form("current", TestServer.PASSWORD, "password", "correct horse battery", "again", "correct horse battery"), false);
    assertThat(forged.statusCode()).isEqualTo(403);
    try (Directory d = Directory.open(t.config.dataDir())) {
      assertThat(d.authenticateAccount(user, TestServer.PASSWORD.toCharArray())).as("nothing changed yet").isPresent();
    }

    HttpResponse<String> ok = c.postForm("/account/password",
        form("current", TestServer.PASSWORD, "password", "correct horse battery", "again", "correct horse battery"));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("Your password is changed", "The other browser session was logged out");
    assertThat(c.get("/account/").statusCode()).as("this session stays").isEqualTo(200);
    assertThat(other.get("/account/").statusCode()).as("the other one ended").isEqualTo(303);
    assertThat(new WebSessionClient(t).login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(401);
    assertThat(new WebSessionClient(t).login(user, "correct horse battery", null).statusCode()).isEqualTo(303);
    try (ImapClient imap = new ImapClient("127.0.0.1", t.port("imap"))) {
      imap.greeting();
      imap.run("a LOGIN " + user + " " + app, "a OK *");
    }
  }

  @Test
  void anAppPasswordIsShownOnceWorksForImapAndSmtpAndStopsWhenRevoked() throws Exception {
    String user = "dave@example.test";
    WebSessionClient c = login(user);
    HttpResponse<String> empty = c.postForm("/account/app-passwords", form("name", " "));
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("Give it a name");
    HttpResponse<String> made = c.postForm("/account/app-passwords", form("name", "Thunderbird <laptop>"));
    assertThat(made.statusCode()).isEqualTo(200);
    String secret = group(SECRET, made.body());
    assertThat(secret).matches("[a-z2-9]{4}(-[a-z2-9]{4}){4}");
    assertThat(made.body()).contains("IMAP, POP3, SMTP or JMAP", "Thunderbird &lt;laptop&gt;");
    HttpResponse<String> list = c.get("/account/app-passwords");
    assertThat(list.body()).contains("Thunderbird &lt;laptop&gt;").doesNotContain(secret);

    try (ImapClient imap = new ImapClient("127.0.0.1", t.port("imap"))) {
      imap.greeting();
      imap.run("a LOGIN " + user + " " + secret, "a OK *");
    }
    smtpAuth(user, secret, "235 *");
    assertThat(c.get("/account/app-passwords").body()).as("last used is shown").doesNotContain("<td>never</td><td>");
    assertThat(new WebSessionClient(t).login(user, secret, null).statusCode()).as("never the web login").isEqualTo(401);

    String id = group(REVOKE, list.body());
    assertThat(c.postForm("/account/app-passwords/revoke", form("id", id), false).statusCode()).isEqualTo(403);
    HttpResponse<String> revoked = c.postForm("/account/app-passwords/revoke", form("id", id));
    assertThat(revoked.statusCode()).isEqualTo(200);
    assertThat(revoked.body()).contains("is revoked", "You have none");
    try (ImapClient imap = new ImapClient("127.0.0.1", t.port("imap"))) {
      imap.greeting();
      imap.run("a LOGIN " + user + " " + secret, "a NO *");
    }
    smtpAuth(user, secret, "535 *");
  }

  private static void smtpAuth(String user, String password, String expected) throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("submission"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      s.send("EHLO client").read();
      s.send("AUTH PLAIN " + Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)))
          .expect(expected);
    }
  }

  @Test
  void anApiTokenIsShownOnceOpensJmapAndStopsWhenRevoked() throws Exception {
    WebSessionClient c = login("erin@example.test");
    HttpResponse<String> bad = c.postForm("/account/tokens", form("name", "backup", "days", "7"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("Choose how long");
    HttpResponse<String> made = c.postForm("/account/tokens", form("name", "backup", "days", "30"));
    assertThat(made.statusCode()).isEqualTo(200);
    String token = group(SECRET, made.body());
    assertThat(token).startsWith("pat_");
    HttpClient h = HttpClient.newHttpClient();
    HttpRequest session = HttpRequest.newBuilder(URI.create(c.base + "/.well-known/jmap")).header("Authorization", "Bearer " + token).build();
    assertThat(h.send(session, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    HttpResponse<String> list = c.get("/account/tokens");
    assertThat(list.body()).contains("backup").doesNotContain(token);
    HttpResponse<String> revoked = c.postForm("/account/tokens/revoke", form("id", group(REVOKE, list.body())));
    assertThat(revoked.body()).contains("The token is revoked");
    assertThat(h.send(session, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
  }

  @Test
  void theSecondFactorIsSavedOnlyAfterACorrectCodeAndTurnedOffWithThePassword() throws Exception {
    String user = "fred@example.test";
    WebSessionClient c = login(user);
    assertThat(c.get("/account/two-factor").body()).contains("id=\"two-factor-state\">Two-step login is <strong>off");
    HttpResponse<String> setup = c.postForm("/account/two-factor/begin", form());
    String secret = group(Pattern.compile("name=\"secret\" value=\"([A-Z2-7]+)\""), setup.body());
    assertThat(setup.body()).contains("otpauth://totp/", "secret=" + secret);
    String wrongCode = Totp.code(secret, Instant.now()).equals("123456") ? "654321" : "123456";
    HttpResponse<String> wrong = c.postForm("/account/two-factor/confirm", form("secret", secret, "code", wrongCode));
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("That code is not right");
    try (Directory d = Directory.open(t.config.dataDir())) {
      assertThat(d.security().totpSecret(user)).isEmpty();
    }
    HttpResponse<String> on = c.postForm("/account/two-factor/confirm", form("secret", secret, "code", Totp.code(secret, Instant.now())));
    assertThat(on.statusCode()).isEqualTo(200);
    assertThat(on.body()).contains("Two-step login is on");
    assertThat(new WebSessionClient(t).login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(401);
    assertThat(new WebSessionClient(t).login(user, TestServer.PASSWORD, Totp.code(secret, Instant.now())).statusCode()).isEqualTo(303);

    HttpResponse<String> noPassword = c.postForm("/account/two-factor/off", form("password", "wrong one"));
    assertThat(noPassword.statusCode()).isEqualTo(400);
    assertThat(noPassword.body()).contains("not your current password");
    HttpResponse<String> off = c.postForm("/account/two-factor/off", form("password", TestServer.PASSWORD));
    assertThat(off.body()).contains("Two-step login is off");
    assertThat(new WebSessionClient(t).login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
  }

  @Test
  void oneUsersSessionNeverReachesAnothersData() throws Exception {
    String bobsApp;
    String bobsToken;
    WebSessionClient bob = login("bob@example.test");
    bob.postForm("/account/app-passwords", form("name", "bob-phone"));
    bob.postForm("/account/tokens", form("name", "bob-script", "days", "30"));
    bobsApp = group(REVOKE, bob.get("/account/app-passwords").body());
    bobsToken = group(REVOKE, bob.get("/account/tokens").body());

    WebSessionClient alice = login("alice@example.test");
    for (String page : new String[] {"/account/", "/account/app-passwords", "/account/tokens", "/account/filters",
        "/account/filters/raw", "/account/two-factor", "/account/password"}) {
      String body = alice.get(page + "?address=bob@example.test&user=bob@example.test").body();
      assertThat(body).as(page).doesNotContain("bob-phone", "bob-script", bobsApp, bobsToken);
    }
    HttpResponse<String> r1 = alice.postForm("/account/app-passwords/revoke", form("id", bobsApp, "address", "bob@example.test"));
    assertThat(r1.statusCode()).isEqualTo(404);
    HttpResponse<String> r2 = alice.postForm("/account/tokens/revoke", form("id", bobsToken, "address", "bob@example.test"));
    assertThat(r2.statusCode()).isEqualTo(404);
    alice.postForm("/account/app-passwords", form("name", "made-by-alice", "address", "bob@example.test"));
    assertThat(bob.get("/account/app-passwords").body()).contains("bob-phone").doesNotContain("made-by-alice");
    assertThat(bob.get("/account/tokens").body()).contains("bob-script");
    assertThat(alice.get("/account/app-passwords").body()).contains("made-by-alice");
  }

  @Test
  void aFormWithoutTheCsrfTokenChangesNothing() throws Exception {
    WebSessionClient c = login("alice@example.test");
    int before = c.get("/account/app-passwords").body().split("name=\"id\"").length;
    for (String path : new String[] {"/account/app-passwords", "/account/tokens", "/account/two-factor/begin",
        "/account/filters/add", "/account/filters/raw", "/account/password", "/account/two-factor/off"}) {
      HttpResponse<String> r = c.postForm(path, form("name", "forged", "days", "30", "field", "subject", "match", "contains",
          "text", "x", "action", "discard", "script", "discard;", "activate", "on"), false);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).doesNotContain("Exception", "at dev.postamt");
    }
    assertThat(c.get("/account/app-passwords").body().split("name=\"id\"").length).isEqualTo(before);
    assertThat(c.get("/account/tokens").body()).doesNotContain("forged");
    assertThat(t.server.sieveScripts().list("alice@example.test")).isEmpty();
  }
}
