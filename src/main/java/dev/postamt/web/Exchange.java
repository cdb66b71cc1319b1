package dev.postamt.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One request to a {@link WebApp}, with what every page needs: who is logged in (checked per request),
 * the form of a POST (its CSRF token and origin checked), and the ways to answer (HTML, JSON, a
 * redirect, an error page). Every method that answers completes the exchange; answer exactly once.
 */
public final class Exchange {
  /** Form bodies larger than this are refused (413): a Sieve script of 1 MiB fits. */
  public static final long MAX_FORM_BYTES = 2L << 20;

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final InetAddress client;
  private final WebAuth auth;
  private Optional<Principal> principal;

  Exchange(Request request, Response response, Callback callback, InetAddress client, WebAuth auth) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.client = client;
    this.auth = auth;
  }

  public Request request() {
    return request;
  }

  public Response response() {
    return response;
  }

  public Callback callback() {
    return callback;
  }

  public String method() {
    return request.getMethod();
  }

  public String path() {
    return request.getHttpURI().getPath();
  }

  public InetAddress client() {
    return client;
  }

  public boolean secure() {
    return request.isSecure();
  }

  /** A query parameter, or null. */
  public String query(String name) {
    return Request.extractQueryParameters(request).getValue(name);
  }

  /** The logged-in principal of the session cookie, if any. */
  public Optional<Principal> principal() throws IOException {
    if (principal == null) {
      principal = auth.session(request);
      principal.ifPresent(p -> request.setAttribute(AccessLog.USER, p.address()));
    }
    return principal;
  }

  /** The principal; when nobody is logged in, answers with a redirect to the login page and returns empty. */
  public Optional<Principal> requireLogin() throws IOException {
    Optional<Principal> p = principal();
    if (p.isEmpty()) {
      discardBody();
      String next = path();
      String q = request.getHttpURI().getQuery();
      if (q != null && method().equals("GET")) {
        next += "?" + q;
      }
      redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
    }
    return p;
  }

  /** The principal when it administers some domain; otherwise answers (login redirect or 403) and returns empty. */
  public Optional<Principal> requireAdmin() throws IOException {
    Optional<Principal> p = requireLogin();
    if (p.isPresent() && !p.get().admin()) {
      discardBody();
      errorPage(403, "This page is for administrators.");
      return Optional.empty();
    }
    return p;
  }

  /**
   * The fields of a POSTed form, after checking that it comes from our own pages: the session's CSRF
   * token in the {@code csrf} field (or {@code X-CSRF-Token}) and, when the browser sends one, an
   * {@code Origin} of this host. Otherwise answers (403, 413, 400) and returns empty.
   */
  public Optional<Form> form(Principal p) throws IOException {
    if (!method().equals("POST")) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      errorPage(405, "Use the form on the page.");
      return Optional.empty();
    }
    Optional<Form> f = formUnchecked();
    if (f.isEmpty()) {
      return f;
    }
    String token = f.get().has("csrf") ? f.get().raw("csrf") : request.getHeaders().get("X-CSRF-Token");
    if (!sameOrigin() || p.csrf().isEmpty() || !java.security.MessageDigest.isEqual(
        p.csrf().getBytes(StandardCharsets.UTF_8), (token == null ? "" : token).getBytes(StandardCharsets.UTF_8))) {
      errorPage(403, "This form did not come from this site (its security token is missing or old). Reload the page and try again.");
      return Optional.empty();
    }
    return f;
  }

  /**
   * Reads and drops a request body (up to the form limit) before a refusal: an HTTP/2 client whose
   * body is left unread may see its stream reset instead of our answer. Every reply already drops up to
   * {@link Replies#UNREAD_BODY_MAX} ({@link Replies.ReadsBodyFirst}); this reaches a whole form.
   */
  public void discardBody() {
    Replies.discardBody(request, MAX_FORM_BYTES);
  }

  /** A POSTed form without the CSRF check: only for the login form, which has no session yet. */
  Optional<Form> formUnchecked() throws IOException {
    if (request.getLength() > MAX_FORM_BYTES) {
      errorPage(413, "The form is larger than " + (MAX_FORM_BYTES >> 20) + " MiB.");
      return Optional.empty();
    }
    InputStream in = Content.Source.asInputStream(request);
    byte[] b = in.readNBytes((int) MAX_FORM_BYTES + 1);
    if (b.length > MAX_FORM_BYTES) {
      errorPage(413, "The form is larger than " + (MAX_FORM_BYTES >> 20) + " MiB.");
      return Optional.empty();
    }
    try {
      return Optional.of(Form.parse(new String(b, StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      errorPage(400, "The form could not be read.");
      return Optional.empty();
    }
  }

  /** True unless the browser names another origin than the one it sent the request to (RFC 6454). */
  boolean sameOrigin() {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      String referer = request.getHeaders().get(HttpHeader.REFERER);
      if (referer == null) {
        return true; // SameSite=Strict and the CSRF token still hold
      }
      origin = referer;
    }
    if (origin.equals("null")) {
      return false;
    }
    try {
      URI o = URI.create(origin);
      String host = Request.getServerName(request);
      int port = Request.getServerPort(request);
      int oport = o.getPort() > 0 ? o.getPort() : "https".equals(o.getScheme()) ? 443 : 80;
      String oh = o.getHost();
      return oh != null && bare(oh).equalsIgnoreCase(bare(host)) && port == oport;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** Sends a page. */
  public void html(int status, String html) {
    Replies.send(response, callback, status, "text/html;charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends JSON. */
  public void json(int status, String json) {
    Replies.send(response, callback, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends bytes of {@code type}, not cached. */
  public void send(int status, String type, byte[] body) {
    Replies.send(response, callback, status, type, body);
  }

  /** 303 See Other to a path of this site. */
  public void redirect(String location) {
    response.setStatus(303);
    response.getHeaders().put(HttpHeader.LOCATION, location);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
    response.write(true, null, callback);
  }

  /** An error as a small page for people (the API sends {@link #problem} instead). */
  public void errorPage(int status, String message) throws IOException {
    Principal p = principal().orElse(null);
    String title = org.eclipse.jetty.http.HttpStatus.getMessage(status);
    html(status, Html.page(title, p, "", "<h1>" + Html.esc(title) + "</h1><p class=\"notice error\">" + Html.esc(message) + "</p>"));
  }

  /** An RFC 9457 problem (for API callers). */
  public void problem(int status, String detail) {
    Replies.problem(response, callback, status, detail);
  }
}
