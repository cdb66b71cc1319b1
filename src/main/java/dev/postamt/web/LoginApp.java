package dev.postamt.web;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code /login} and {@code /logout}: the form that starts a browser session (address, password, and
 * the authenticator code when the account has a second factor) and the button that ends it. After a
 * login the browser goes where it was sent from ({@code next}, a path of this site only), or to its
 * start page: the console for administrators, the account page otherwise. {@code /login/session}
 * tells script pages who is logged in and the session's CSRF token.
 */
final class LoginApp implements WebApp {
  private final WebAuth auth;
  private final boolean webmail;

  /** @param webmail whether {@code /mail/} is served (the start page of users then) */
  LoginApp(WebAuth auth, boolean webmail) {
    this.auth = auth;
    this.webmail = webmail;
  }

  @Override
  public String prefix() {
    return "/log";
  }

  @Override
  public void handle(Exchange x) throws IOException {
    switch (x.path()) {
      case "/login" -> login(x);
      case "/logout" -> logout(x);
      case "/login/session" -> session(x);
      default -> x.errorPage(404, "There is no such page.");
    }
  }

  private void login(Exchange x) throws IOException {
    if (x.method().equals("GET") || x.method().equals("HEAD")) {
      Optional<Principal> p = x.principal();
      if (p.isPresent()) {
        x.redirect(next(x.query("next"), p.get()));
        return;
      }
      x.html(200, page(x.query("next"), "", null));
      return;
    }
    if (!x.method().equals("POST")) {
      x.response().getHeaders().put(HttpHeader.ALLOW, "GET, POST");
      x.errorPage(405, "Use the login form.");
      return;
    }
    if (!x.sameOrigin()) {
      x.errorPage(403, "This login form did not come from this site.");
      return;
    }
    Optional<Form> f = x.formUnchecked();
    if (f.isEmpty()) {
      return;
    }
    String user = f.get().get("address");
    char[] password = f.get().raw("password").toCharArray();
    WebAuth.LoginResult r;
    try {
      r = auth.login(user, password, f.get().get("code"), x.client(), x.secure());
    } finally {
      Arrays.fill(password, '\0');
    }
    switch (r) {
      case WebAuth.LoggedIn in -> {
        x.response().getHeaders().add(HttpHeader.SET_COOKIE, in.cookie());
        x.redirect(next(f.get().get("next"), null));
      }
      case WebAuth.LoginRefused no -> {
        if (no.status() == 429) {
          x.response().getHeaders().put(HttpHeader.RETRY_AFTER, "900");
        }
        x.html(no.status(), page(f.get().get("next"), user, no.message()));
      }
    }
  }

  /**
   * {@code GET /login/session}: who the session cookie belongs to and its CSRF token, as JSON, for
   * script pages (the webmail) that send the token in {@code X-CSRF-Token}; 401 without a session.
   * Same-origin only (the CSP and the absence of CORS headers keep other sites from reading it).
   */
  private void session(Exchange x) throws IOException {
    Optional<Principal> p = x.principal();
    if (p.isEmpty()) {
      x.problem(401, "not logged in");
      return;
    }
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("address", p.get().address());
    m.put("csrf", p.get().csrf());
    m.put("admin", p.get().admin());
    x.json(200, dev.postamt.jmap.json.Json.write(m));
  }

  private void logout(Exchange x) throws IOException {
    Optional<Principal> p = x.principal();
    if (p.isEmpty()) {
      x.redirect("/login");
      return;
    }
    if (x.form(p.get()).isEmpty()) {
      return;
    }
    auth.logout(x.request());
    x.response().getHeaders().add(HttpHeader.SET_COOKIE, WebAuth.clearCookie(x.secure()));
    x.redirect("/login");
  }

  /** Where to go after login: {@code next} when it is a path of this site, else the start page. */
  private String next(String next, Principal p) {
    if (next != null && next.startsWith("/") && !next.startsWith("//") && !next.contains("\\") && !next.startsWith("/log")
        && next.chars().noneMatch(c -> c < 0x21 || c == 0x7f)) {
      return next;
    }
    return "/";
  }

  private static String page(String next, String user, String error) {
    String body = "<section class=\"login\"><h1>Log in</h1>" + (error == null ? "" : Html.notice("error", error))
        + "<form method=\"post\" action=\"/login\" id=\"login-form\">"
        + "<input type=\"hidden\" name=\"next\" value=\"" + Html.esc(next == null ? "" : next) + "\">"
        + "<label>Address <input type=\"email\" name=\"address\" id=\"address\" autocomplete=\"username\" required value=\""
        + Html.esc(user) + "\"></label>"
        + "<label>Password <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"current-password\" required></label>"
        + "<label>Authenticator code <small>(only if you turned on a second factor)</small>"
        + " <input type=\"text\" name=\"code\" id=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9 ]{6,7}\"></label>"
        + "<button type=\"submit\" id=\"login\">Log in</button></form>"
        + "<p class=\"hint\">App passwords are for mail programs; log in here with your account password.</p></section>";
    return Html.page("Log in", null, "", body);
  }
}
