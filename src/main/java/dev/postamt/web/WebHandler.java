package dev.postamt.web;

import dev.postamt.jmap.Blobs;
import dev.postamt.jmap.Ids;
import dev.postamt.jmap.JmapApi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request of the HTTP listener: refused at once when the client is banned, given the security
 * headers, authenticated where it must be, routed, and answered; anything that throws becomes a plain
 * 500 problem (the stack trace goes to the log only). Runs on a virtual thread per request and may
 * block.
 *
 * <p>Routes: {@code GET /.well-known/jmap} (RFC 8620 §2.2; also {@code /jmap/session}), {@code POST
 * /jmap/api}, {@code GET /jmap/download/{accountId}/{blobId}/{name}?type=}, {@code POST
 * /jmap/upload/{accountId}/}, {@code GET /metrics} (Prometheus, for {@code [metrics] networks} only).
 */
final class WebHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(WebHandler.class);
  /** RFC 6838 §4.2 type/subtype, no parameters: what a download may be labelled as. */
  private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");
  /** Downloads are attachments, sandboxed: an HTML attachment must not run as our origin. */
  static final String DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

  private final JmapApi api;
  private final Blobs blobs;
  private final dev.postamt.jmap.EventStream events;
  private final WebAuth auth;
  private final dev.postamt.net.Listener.Gate gate;
  private final dev.postamt.config.Metrics metrics;
  private final java.util.List<WebApp> apps;

  /** @param apps the mounted parts (console, self-service, webmail); the login pages and /static/ are added here */
  WebHandler(JmapApi api, Blobs blobs, dev.postamt.jmap.EventStream events, WebAuth auth,
      dev.postamt.net.Listener.Gate gate, dev.postamt.config.Metrics metrics, java.util.List<WebApp> apps) {
    this.metrics = metrics;
    java.util.List<WebApp> all = new java.util.ArrayList<>(apps);
    boolean webmail = apps.stream().anyMatch(a -> a.prefix().equals("/mail/"));
    all.add(new LoginApp(auth, webmail));
    all.add(new StaticApp());
    // the longest prefix first: /mail/config-v1.1.xml (autoconfig) before /mail/ (webmail)
    all.sort(java.util.Comparator.comparingInt((WebApp a) -> a.prefix().length()).reversed());
    this.apps = java.util.List.copyOf(all);
    this.api = api;
    this.blobs = blobs;
    this.events = events;
    this.auth = auth;
    this.gate = gate;
  }

  @Override
  public boolean handle(Request request, Response given, Callback callback) {
    Response response = new Replies.ReadsBodyFirst(request, given);
    try {
      Replies.securityHeaders(request, response);
      InetAddress client = client(request);
      String banned = client == null ? null : gate.refusal(client, "http");
      if (banned != null) {
        Replies.closeAfter(request, response);
        Replies.problem(response, callback, 403, "your address is banned: " + banned);
        return true;
      }
      route(request, response, callback, client);
    } catch (Throwable e) {
      log.error("http: {} {} failed", request.getMethod(), AccessLog.clean(request.getHttpURI().getPath()), e);
      if (!response.isCommitted()) {
        response.reset();
        Replies.securityHeaders(request, response);
        Replies.problem(response, callback, 500, "the server failed; the details are in its log");
      } else {
        callback.failed(e);
      }
    }
    return true;
  }

  private void route(Request request, Response response, Callback callback, InetAddress client) throws Exception {
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    if (path == null) {
      Replies.problem(response, callback, 404, "no such resource");
      return;
    }
    if (path.equals("/metrics")) {
      metrics(request, response, callback, client);
      return;
    }
    if (path.equals("/")) {
      home(new Exchange(request, response, callback, client, auth));
      return;
    }
    for (WebApp app : apps) {
      if (path.startsWith(app.prefix()) || (path + "/").equals(app.prefix())) {
        if (!path.startsWith(app.prefix())) {
          Replies.redirect(response, callback, app.prefix());
          return;
        }
        try {
          app.handle(new Exchange(request, response, callback, client, auth));
        } catch (IOException e) {
          log.warn("http: {} {}: {}", method, AccessLog.clean(path), e.toString());
          if (!response.isCommitted()) {
            response.reset();
            Replies.securityHeaders(request, response);
            Replies.problem(response, callback, 503, "the server cannot do this now; try again later");
          } else {
            callback.failed(e);
          }
        }
        return;
      }
    }
    boolean session = path.equals("/.well-known/jmap") || path.equals("/jmap/session");
    boolean apiCall = path.equals("/jmap/api");
    boolean download = path.startsWith("/jmap/download/");
    boolean upload = path.startsWith("/jmap/upload/");
    boolean push = path.equals("/jmap/eventsource");
    if (!session && !apiCall && !download && !upload && !push) {
      Replies.problem(response, callback, 404, "no such resource");
      return;
    }
    String allowed = apiCall || upload ? "POST" : "GET";
    if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
      response.getHeaders().put(HttpHeader.ALLOW, allowed);
      Replies.problem(response, callback, 405, "use " + allowed + " here");
      return;
    }
    Optional<String> user = authenticate(request, response, callback, client);
    if (user.isEmpty()) {
      return;
    }
    if (session) {
      Replies.send(response, callback, 200, "application/json", api.session(user.get(), base(request)));
    } else if (apiCall) {
      Optional<byte[]> body = body(request, response, callback, api.limits().maxSizeRequest());
      if (body.isPresent()) {
        JmapApi.Answer a = api.handle(user.get(), body.get());
        Replies.send(response, callback, a.status(), a.contentType(), a.body());
      }
    } else if (push) {
      eventSource(request, response, callback, user.get());
    } else if (download) {
      download(request, response, callback, user.get(), path.substring("/jmap/download/".length()));
    } else {
      upload(request, response, callback, user.get(), path.substring("/jmap/upload/".length()));
    }
  }

  /** {@code /}: the start page of whoever is logged in (console for administrators), else the login page. */
  private void home(Exchange x) throws IOException {
    java.util.Optional<Principal> p = x.principal();
    if (p.isEmpty()) {
      x.redirect("/login");
      return;
    }
    java.util.List<String> order = p.get().admin() ? java.util.List.of("/admin/", "/mail/", "/account/")
        : java.util.List.of("/mail/", "/account/");
    for (String prefix : order) {
      if (apps.stream().anyMatch(a -> a.prefix().equals(prefix))) {
        x.redirect(prefix);
        return;
      }
    }
    x.errorPage(404, "Nothing is served here yet for your account.");
  }

  /** {@code GET /metrics}: the Prometheus text, for the networks of {@code [metrics]} only. */
  private void metrics(Request request, Response response, Callback callback, InetAddress client) {
    String method = request.getMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      Replies.problem(response, callback, 405, "use GET here");
    } else if (metrics == null || !metrics.allows(client)) {
      Replies.problem(response, callback, 403, "metrics are not available to your address (see [metrics] networks)");
    } else {
      Replies.send(response, callback, 200, dev.postamt.metrics.Metrics.contentType(),
          dev.postamt.metrics.Metrics.process().scrape().getBytes(StandardCharsets.UTF_8));
    }
  }

  private Optional<String> authenticate(Request request, Response response, Callback callback, InetAddress client)
      throws IOException {
    WebAuth.ApiResult r = auth.api(request, client);
    if (r instanceof WebAuth.ApiOk ok) {
      request.setAttribute(AccessLog.USER, ok.principal().address());
      return Optional.of(ok.principal().address());
    }
    BasicAuth.Refused no = (BasicAuth.Refused) r;
    if (no.challenge()) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, BasicAuth.CHALLENGE);
    }
    if (no.status() == 429) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "900");
    }
    Replies.problem(response, callback, no.status(), no.message());
    return Optional.empty();
  }

  /** The request body, at most {@code max} bytes; empty (and 413 sent) when larger. */
  private static Optional<byte[]> body(Request request, Response response, Callback callback, long max) throws IOException {
    if (request.getLength() > max) {
      tooLarge(request, response, callback, max);
      return Optional.empty();
    }
    InputStream in = Content.Source.asInputStream(request);
    byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
    if (b.length > max) {
      tooLarge(request, response, callback, max);
      return Optional.empty();
    }
    return Optional.of(b);
  }

  private static void tooLarge(Request request, Response response, Callback callback, long max) {
    Replies.closeAfter(request, response);
    Replies.problem(response, callback, 413, "the request body is larger than " + max + " bytes");
  }

  private void download(Request request, Response response, Callback callback, String user, String rest) throws IOException {
    String[] parts = rest.split("/", 3);
    if (parts.length != 3 || !parts[0].equals(Ids.account(user))) {
      Replies.problem(response, callback, 404, "no such blob");
      return;
    }
    Optional<Blobs.Download> d = blobs.download(user, parts[1]);
    if (d.isEmpty()) {
      Replies.problem(response, callback, 404, "no such blob");
      return;
    }
    try (Blobs.Download blob = d.get()) {
      String type = Request.extractQueryParameters(request).getValue("type");
      if (type == null || !MEDIA_TYPE.matcher(type).matches()) {
        type = blob.type() != null && MEDIA_TYPE.matcher(blob.type()).matches() ? blob.type() : "application/octet-stream";
      }
      var h = response.getHeaders();
      h.put("Content-Security-Policy", DOWNLOAD_CSP);
      h.put(HttpHeader.CONTENT_TYPE, type);
      h.put(HttpHeader.CONTENT_LENGTH, blob.size());
      h.put(HttpHeader.CACHE_CONTROL, "private, immutable, max-age=604800"); // blob contents never change
      h.put(HttpHeader.CONTENT_DISPOSITION, disposition(parts[2]));
      response.setStatus(200);
      if (request.getMethod().equals("HEAD")) {
        callback.succeeded();
        return;
      }
      OutputStream out = Content.Sink.asOutputStream(response);
      blob.content().transferTo(out);
      out.close();
      callback.succeeded();
    }
  }

  /** RFC 8620 §7.3: {@code types}, {@code closeafter} ({@code state} or {@code no}) and {@code ping}. */
  private void eventSource(Request request, Response response, Callback callback, String user) throws IOException {
    var q = Request.extractQueryParameters(request);
    String ping = q.getValue("ping");
    if (ping != null && !ping.matches("[0-9]{1,6}")) {
      Replies.problem(response, callback, 400, "ping must be a number of seconds");
      return;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-store");
    try {
      events.run(user, q.getValue("types"), "state".equals(q.getValue("closeafter")), ping == null ? 0 : Long.parseLong(ping),
          text -> Content.Sink.write(response, false, java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
      response.write(true, null, callback);
    } catch (IOException gone) {
      callback.failed(gone); // the client went away
    }
  }

  /** RFC 6266 attachment with an ASCII fallback and the UTF-8 name (RFC 8187). */
  static String disposition(String name) {
    String n = name.isBlank() ? "blob" : name;
    String ascii = n.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
    String enc = URLEncoder.encode(n, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + enc;
  }

  private void upload(Request request, Response response, Callback callback, String user, String rest) throws IOException {
    String account = rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
    if (!account.equals(Ids.account(user))) {
      Replies.problem(response, callback, 404, "no such account");
      return;
    }
    long max = api.limits().maxSizeUpload();
    if (request.getLength() > max) {
      tooLarge(request, response, callback, max);
      return;
    }
    try {
      byte[] answer = blobs.upload(user, Content.Source.asInputStream(request),
          request.getHeaders().get(HttpHeader.CONTENT_TYPE), max);
      Replies.send(response, callback, 201, "application/json", answer);
    } catch (Blobs.TooLarge e) {
      tooLarge(request, response, callback, max);
    }
  }

  static InetAddress client(Request request) {
    return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  /** Scheme and authority the client used, for the absolute URLs of the session resource. */
  static String base(Request request) {
    String host = Request.getServerName(request);
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    int port = Request.getServerPort(request);
    String scheme = request.isSecure() ? "https" : "http";
    boolean standard = (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
    return scheme + "://" + host + (standard || port <= 0 ? "" : ":" + port);
  }
}
