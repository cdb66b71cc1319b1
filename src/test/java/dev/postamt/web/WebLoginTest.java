package dev.postamt.web;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.AccountSecurity;
import dev.postamt.directory.Directory;
import dev.postamt.directory.Totp;
import dev.postamt.testing.TestServer;
import dev.postamt.web.session.SqliteWebSessions;
import dev.postamt.web.session.WebSessions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The browser login, its session cookie and CSRF token, bearer tokens, app passwords, disabled accounts, TOTP. */
class WebLoginTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http").user("carol").user("dave").user("erin");

  private static final String API = "{\"using\":[\"urn:ietf:params:jmap:core\"],\"methodCalls\":[[\"Core/echo\",{\"x\":1},\"0\"]]}";

  @Test
  void aLoginSetsAHardenedCookieThatOpensTheApiOnlyWithItsCsrfToken() throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.get("/login").body()).contains("<form method=\"post\" action=\"/login\"");
    HttpResponse<String> wrong = c.login("alice@example.test", "nope", null);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("wrong").doesNotContain("Set-Cookie");
    assertThat(c.cookie).isNull();

    HttpResponse<String> ok = c.login("alice@example.test", TestServer.PASSWORD, null);
    assertThat(ok.statusCode()).isEqualTo(303);
    String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    assertThat(c.csrf).hasSizeGreaterThan(20);

    assertThat(c.get("/.well-known/jmap").statusCode()).isEqualTo(200);
    assertThat(c.postJson("/jmap/api", API, false).statusCode()).as("no X-CSRF-Token").isEqualTo(403);
    HttpResponse<String> echo = c.postJson("/jmap/api", API, true);
    assertThat(echo.statusCode()).isEqualTo(200);
    assertThat(echo.body()).contains("Core/echo");

    // the cookie's signature is checked: an altered id is nobody (one character changed: to 'x', or to 'y'
    // where it was an 'x' already, which left the cookie as it was once in 64 runs)
    WebSessionClient forged = new WebSessionClient(t);
    int at = c.cookie.indexOf('=') + 1;
    forged.cookie = c.cookie.substring(0, at) + (c.cookie.charAt(at) == 'x' ? "y" : "x") + c.cookie.substring(at + 1);
    assertThat(forged.cookie).isNotEqualTo(c.cookie);
    assertThat(forged.get("/login/session").statusCode()).isEqualTo(401);
  }

  @Test
  void logoutNeedsTheTokenAndEndsTheSession() throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    c.login("bob@example.test", TestServer.PASSWORD, null);
    HttpResponse<String> forged = c.postForm("/logout", form(), false);
    assertThat(forged.statusCode()).as("a cross-site POST without the token").isEqualTo(403);
    assertThat(c.get("/login/session").statusCode()).isEqualTo(200);
    assertThat(c.postForm("/logout", form()).statusCode()).isEqualTo(303);
    assertThat(c.get("/login/session").statusCode()).isEqualTo(401);
    assertThat(c.get("/").headers().firstValue("Location")).contains("/login");
  }

  @Test
  void aFormFromAnotherOriginIsRefusedEvenWithTheToken() throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    c.login("bob@example.test", TestServer.PASSWORD, null);
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(c.base + "/logout"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", c.cookie)
        .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString("csrf=" + c.csrf)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(c.get("/login/session").statusCode()).isEqualTo(200);
  }

  @Test
  void appPasswordsOpenTheApiButNotTheWebLogin() throws Exception {
    AccountSecurity.NewAppPassword app;
    try (Directory d = Directory.open(t.config.dataDir())) {
      app = d.security().addAppPassword("carol@example.test", "Thunderbird");
    }
    HttpResponse<String> basic = HttpTestClient.of(t, "http", "carol@example.test", app.secret(), HttpClient.Version.HTTP_1_1)
        .get("/.well-known/jmap");
    assertThat(basic.statusCode()).isEqualTo(200);
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login("carol@example.test", app.secret(), null).statusCode()).isEqualTo(401);
    try (Directory d = Directory.open(t.config.dataDir())) {
      assertThat(d.security().appPasswords("carol@example.test")).singleElement()
          .satisfies(a -> assertThat(a.lastUsed()).isNotNull());
      assertThat(d.security().revokeAppPassword("carol@example.test", app.info().id())).isTrue();
    }
    assertThat(HttpTestClient.of(t, "http", "carol@example.test", app.secret(), HttpClient.Version.HTTP_1_1)
        .get("/.well-known/jmap").statusCode()).isEqualTo(401);
  }

  @Test
  void bearerTokensAuthenticateTheApiUntilRevoked() throws Exception {
    WebSessions.NewToken token;
    try (SqliteWebSessions s = new SqliteWebSessions(t.config.dataDir().resolve("web/sessions.db"), Duration.ofHours(1), Duration.ofDays(1))) {
      token = s.createToken("dave@example.test", "script", null);
    }
    HttpClient h = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + t.port("http");
    HttpResponse<String> ok = h.send(HttpRequest.newBuilder(URI.create(base + "/jmap/api")).header("Authorization", "Bearer " + token.secret())
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(API)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as("a bearer token needs no CSRF token").isEqualTo(200);
    HttpResponse<String> bad = h.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/jmap"))
        .header("Authorization", "Bearer pat_nottherealone").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(401);
    try (SqliteWebSessions s = new SqliteWebSessions(t.config.dataDir().resolve("web/sessions.db"), Duration.ofHours(1), Duration.ofDays(1))) {
      assertThat(s.revokeToken("dave@example.test", token.token().id())).isTrue();
    }
    assertThat(h.send(HttpRequest.newBuilder(URI.create(base + "/.well-known/jmap")).header("Authorization", "Bearer " + token.secret()).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
  }

  @Test
  void aDisabledAccountLosesItsSessionAndCannotLogIn() throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    c.login("erin@example.test", TestServer.PASSWORD, null);
    assertThat(c.get("/login/session").statusCode()).isEqualTo(200);
    try (Directory d = Directory.open(t.config.dataDir())) {
      d.security().setDisabled("erin@example.test", true);
    }
    try {
      assertThat(c.get("/login/session").statusCode()).isEqualTo(401);
      assertThat(new WebSessionClient(t).login("erin@example.test", TestServer.PASSWORD, null).statusCode()).isEqualTo(401);
      assertThat(HttpTestClient.of(t, "http", "erin@example.test").get("/.well-known/jmap").statusCode()).isEqualTo(401);
    } finally {
      try (Directory d = Directory.open(t.config.dataDir())) {
        d.security().setDisabled("erin@example.test", false);
      }
    }
    assertThat(new WebSessionClient(t).login("erin@example.test", TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
  }

  @Test
  void aSecondFactorIsAskedForWhenTurnedOn() throws Exception {
    String secret = Totp.newSecret();
    try (Directory d = Directory.open(t.config.dataDir())) {
      d.addUser("frank@example.test", TestServer.PASSWORD.toCharArray());
      d.security().setTotpSecret("frank@example.test", secret);
    }
    WebSessionClient c = new WebSessionClient(t);
    HttpResponse<String> noCode = c.login("frank@example.test", TestServer.PASSWORD, null);
    assertThat(noCode.statusCode()).isEqualTo(401);
    assertThat(noCode.body()).contains("authenticator");
    assertThat(c.login("frank@example.test", TestServer.PASSWORD, "000000".equals(Totp.code(secret, Instant.now())) ? "111111" : "000000")
        .statusCode()).isEqualTo(401);
    assertThat(c.login("frank@example.test", TestServer.PASSWORD, Totp.code(secret, Instant.now())).statusCode()).isEqualTo(303);
  }

  @Test
  void afterLoginTheBrowserGoesOnlyToAPathOfThisSite() throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    HttpResponse<String> r = c.postForm("/login", form("address", "alice@example.test", "password", TestServer.PASSWORD,
        "next", "//evil.example/x"), false);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).contains("/");
    HttpResponse<String> r2 = c.postForm("/login", form("address", "alice@example.test", "password", TestServer.PASSWORD,
        "next", "/account/filters"), false);
    assertThat(r2.headers().firstValue("Location")).contains("/account/filters");
  }
}
