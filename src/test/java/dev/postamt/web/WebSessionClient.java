package dev.postamt.web;

import dev.postamt.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser-like HTTP client of a {@link TestServer}'s plain http listener (loopback): logs in through
 * the login form, keeps the session cookie, and posts forms with the page's CSRF token. Redirects are
 * not followed, so tests see them.
 */
public final class WebSessionClient {
  private static final Pattern CSRF = Pattern.compile("\"csrf\":\"([^\"]*)\"");
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(10)).build();
  public final String base;
  public String cookie;
  public String csrf = "";

  public WebSessionClient(TestServer t) {
    this("http://127.0.0.1:" + t.port("http"));
  }

  /** A client of another listener, e.g. {@code http://127.0.0.1:PORT} of a web server a test started itself. */
  public WebSessionClient(String base) {
    this.base = base;
  }

  /** Logs in; the response of the POST (303 on success). */
  public HttpResponse<String> login(String address, String password, String code) throws Exception {
    HttpResponse<String> r = postForm("/login", form("address", address, "password", password, "code", code == null ? "" : code), false);
    r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(WebAuth.COOKIE + "=")).findFirst()
        .ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
    if (r.statusCode() == 303) {
      refreshCsrf();
    }
    return r;
  }

  /** Reads the session's CSRF token from {@code /login/session}. */
  public void refreshCsrf() throws Exception {
    HttpResponse<String> r = get("/login/session");
    Matcher m = CSRF.matcher(r.body());
    if (m.find()) {
      csrf = m.group(1);
    }
  }

  public HttpResponse<String> get(String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs a form with this session's CSRF token added (unless {@code withCsrf} is false). */
  public HttpResponse<String> postForm(String path, Map<String, String> fields, boolean withCsrf) throws Exception {
    Map<String, String> all = new LinkedHashMap<>(fields);
    if (withCsrf) {
      all.put("csrf", csrf);
    }
    StringJoiner body = new StringJoiner("&");
    all.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> postForm(String path, Map<String, String> fields) throws Exception {
    return postForm(path, fields, true);
  }

  /** POSTs JSON to the API with the cookie and, when {@code withCsrf}, the X-CSRF-Token header. */
  public HttpResponse<String> postJson(String path, String json, boolean withCsrf) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (withCsrf) {
      b.header("X-CSRF-Token", csrf);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Alternating names and values. */
  public static Map<String, String> form(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
