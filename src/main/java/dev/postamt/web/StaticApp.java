package dev.postamt.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code /static/NAME}: the console's stylesheet and images, from the class path ({@code
 * dev/postamt/web/static/}), cached by browsers for a day. Names are one path segment of safe
 * characters; anything else is 404.
 */
final class StaticApp implements WebApp {
  private static final Map<String, String> TYPES = Map.of(
      "css", "text/css;charset=utf-8", "js", "text/javascript;charset=utf-8", "svg", "image/svg+xml",
      "png", "image/png", "ico", "image/x-icon", "woff2", "font/woff2");
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  @Override
  public String prefix() {
    return "/static/";
  }

  @Override
  public void handle(Exchange x) throws IOException {
    String name = x.path().substring(prefix().length());
    int dot = name.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
    if (type == null || !name.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
      x.errorPage(404, "There is no such file.");
      return;
    }
    byte[] body = cache.computeIfAbsent(name, StaticApp::load);
    if (body.length == 0) {
      x.errorPage(404, "There is no such file.");
      return;
    }
    var r = x.response();
    r.setStatus(200);
    r.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    r.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=86400");
    r.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    r.write(true, x.method().equals("HEAD") ? null : java.nio.ByteBuffer.wrap(body), x.callback());
  }

  private static byte[] load(String name) {
    try (InputStream in = StaticApp.class.getResourceAsStream("static/" + name)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
