package dev.postamt.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * How every response of the HTTP listener starts and how errors look: the security headers on every
 * answer, error bodies as RFC 9457 problem details with a fixed title and a sentence, never a stack
 * trace or an exception text.
 */
final class Replies {
  private Replies() {}

  /** {@code default-src 'self'}: only our own scripts, styles and images; never framed (clickjacking). */
  static final String CSP =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  /** One year; sent on https only (RFC 6797 §7.2: a UA ignores it over plain HTTP). */
  static final String HSTS = "max-age=31536000";

  /** The headers every response carries, errors included. */
  static void securityHeaders(Request request, Response response) {
    var h = response.getHeaders();
    h.put("Content-Security-Policy", CSP);
    h.put("X-Content-Type-Options", "nosniff");
    // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" even for our own
    // forms, and the origin check of a POST needs the real one (a cross-site request still shows null)
    h.put("Referrer-Policy", "same-origin");
    h.put("X-Frame-Options", "DENY");
    if (request.isSecure()) {
      h.put(HttpHeader.STRICT_TRANSPORT_SECURITY, HSTS);
    }
  }

  /** Asks an HTTP/1 client to close after this response (HTTP/2 has no Connection header, RFC 9113 §8.2.2). */
  static void closeAfter(Request request, Response response) {
    if (request.getConnectionMetaData().getHttpVersion() != org.eclipse.jetty.http.HttpVersion.HTTP_2) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
  }

  /** Sends {@code body} with {@code status} and {@code type}; not cached (it is a user's data). */
  static void send(Response response, Callback callback, int status, String type, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** 308 to {@code location} (a path of this site). */
  static void redirect(Response response, Callback callback, String location) {
    response.setStatus(308);
    response.getHeaders().put(HttpHeader.LOCATION, location);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
    response.write(true, null, callback);
  }

  /**
   * Reads and drops a request's body of at most {@code max} bytes that its handler left unread, before a
   * reply. Over HTTP/2 a reply sent before the body was read ends the stream with RST_STREAM (CANCEL), and
   * a client still sending its body (the JDK's HttpClient) reports that reset instead of our answer (RFC
   * 9113 section 8.1 allows the early reply, with NO_ERROR). A body declared larger, or one that fails, is
   * left to the reset. Returns at once for a body already read to its end.
   */
  static void discardBody(Request request, long max) {
    String method = request.getMethod();
    if (method.equals("GET") || method.equals("HEAD") || request.getLength() == 0 || request.getLength() > max) {
      return;
    }
    try {
      Content.Source.asInputStream(request).readNBytes((int) Math.min(Integer.MAX_VALUE - 16, max + 1));
    } catch (IOException | RuntimeException ignored) {
      // the answer matters more than the body
    }
  }

  /** What {@link ReadsBodyFirst} reads of a body its handler left unread, at most. */
  static final int UNREAD_BODY_MAX = 64 * 1024;

  /**
   * The response every handler of the listener writes to: before the last write (the reply's end) it
   * drops what is left of a small request body ({@link #discardBody}), so that any early answer (a
   * refusal, a 404 for another's account, a ban) reaches an HTTP/2 client instead of a reset. Handlers
   * write a request's last part on its own virtual thread, where this read may block; a GET or HEAD (an
   * event stream's end, written by whoever ends it) never reads.
   */
  static final class ReadsBodyFirst extends Response.Wrapper {
    private boolean drained;

    ReadsBodyFirst(Request request, Response wrapped) {
      super(request, wrapped);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (last && !drained) {
        drained = true;
        discardBody(getRequest(), UNREAD_BODY_MAX);
      }
      super.write(last, content, callback);
    }
  }

  /** An RFC 9457 problem: the status, its standard title and one sentence. */
  static void problem(Response response, Callback callback, int status, String detail) {
    send(response, callback, status, "application/problem+json", problemJson(status, detail));
  }

  static byte[] problemJson(int status, String detail) {
    String title = HttpStatus.getMessage(status);
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("type", "about:blank");
    m.put("status", (long) status);
    m.put("title", title == null ? "Error" : title);
    if (detail != null) {
      m.put("detail", detail);
    }
    return dev.postamt.jmap.json.Json.write(m).getBytes(StandardCharsets.UTF_8);
  }
}
