package dev.postamt.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postamt.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The HTTP listener itself: protocols, security headers, limits, errors, authentication, access log. */
class HttpListenerTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http", "https");

  @Test
  void everyResponseCarriesTheSecurityHeadersAndHstsOnlyOverHttps() throws Exception {
    HttpResponse<String> plain = HttpTestClient.of(t, "http", null).get("/no/such/page");
    assertThat(plain.statusCode()).isEqualTo(404);
    assertThat(plain.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'").contains("frame-ancestors 'none'"));
    assertThat(plain.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(plain.headers().firstValue("Referrer-Policy")).contains("same-origin");
    assertThat(plain.headers().firstValue("Strict-Transport-Security")).isEmpty();
    assertThat(plain.headers().firstValue("Server")).isEmpty();
    assertThat(plain.body()).contains("\"status\":404");

    HttpResponse<String> tls = HttpTestClient.of(t, "https", null).get("/no/such/page");
    assertThat(tls.statusCode()).isEqualTo(404);
    assertThat(tls.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
    assertThat(tls.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'").contains("frame-ancestors 'none'"));
  }

  @Test
  void httpsNegotiatesHttp2AndStillSpeaksHttp11() throws Exception {
    HttpResponse<String> h2 = HttpTestClient.of(t, "https", "alice@example.test").get("/.well-known/jmap");
    assertThat(h2.statusCode()).isEqualTo(200);
    assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    HttpResponse<String> h1 = HttpTestClient.of(t, "https", "alice@example.test", TestServer.PASSWORD,
        HttpClient.Version.HTTP_1_1).get("/.well-known/jmap");
    assertThat(h1.statusCode()).isEqualTo(200);
    assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
  }

  @Test
  void plainHttpUpgradesToH2c() throws Exception {
    HttpTestClient c = HttpTestClient.of(t, "http", "alice@example.test");
    c.get("/.well-known/jmap"); // the JDK client upgrades on the first request, then keeps HTTP/2
    HttpResponse<String> r = c.get("/.well-known/jmap");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
  }

  @Test
  void withoutOrWithWrongCredentialsIs401WithAChallenge() throws Exception {
    HttpResponse<String> none = HttpTestClient.of(t, "https", null).get("/.well-known/jmap");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
    HttpResponse<String> wrong = HttpTestClient.of(t, "https", "bob@example.test", "not-the-password",
        HttpClient.Version.HTTP_2).get("/.well-known/jmap");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("bob");
    HttpResponse<String> right = HttpTestClient.of(t, "http", "bob@example.test").get("/.well-known/jmap");
    assertThat(right.statusCode()).as("plain HTTP from loopback may carry a password, as IMAP allows").isEqualTo(200);
  }

  /**
   * A browser page whose session has ended (its CSRF token or its stale cookie comes along) gets a 401
   * without the Basic challenge: with one the browser asked for a password in a box of its own and the
   * page's request hung (the webmail goes to its login page instead).
   */
  @Test
  void anEndedBrowserSessionIs401WithoutAChallenge() throws Exception {
    java.net.http.HttpClient h = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + t.port("http");
    HttpResponse<String> token = h.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/jmap/api"))
        .header("X-CSRF-Token", "from-a-page-whose-session-ended").header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).isEqualTo(401);
    assertThat(token.headers().firstValue("WWW-Authenticate")).isEmpty();
    HttpResponse<String> cookie = h.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/.well-known/jmap"))
        .header("Cookie", dev.postamt.web.WebAuth.COOKIE + "=stale").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(cookie.statusCode()).isEqualTo(401);
    assertThat(cookie.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(cookie.body()).contains("your session has ended");
  }

  @Test
  void aRequestLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
    String answer = raw("POST /jmap/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic "
        + java.util.Base64.getEncoder().encodeToString("alice@example.test:secret".getBytes(StandardCharsets.UTF_8))
        + "\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 413 ");
    assertThat(answer).contains("Content-Security-Policy: default-src 'self'");
  }

  @Test
  void headersBeyondTheLimitAreRefused() throws Exception {
    String answer = raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(WebServer.MAX_HEADER_BYTES + 10) + "\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 431 ");
  }

  @Test
  void aMalformedRequestGetsAPlainErrorWithTheHeadersAndNoStackTrace() throws Exception {
    String answer = raw("GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(answer).contains("Content-Security-Policy: default-src 'self';").contains("frame-ancestors 'none'");
    assertThat(answer).contains("application/problem+json").contains("\"status\":400");
    assertThat(answer).doesNotContain("org.eclipse").doesNotContain("Exception").doesNotContain("<html");
  }

  @Test
  void aWrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> r = HttpTestClient.of(t, "http", "alice@example.test").get("/jmap/api");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void eachRequestIsOneAccessLogLine() throws Exception {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger("http");
    appender.start();
    logger.addAppender(appender);
    try {
      HttpTestClient.of(t, "https", "alice@example.test").get("/.well-known/jmap?marker=1");
      Instant end = Instant.now().plus(Duration.ofSeconds(10));
      List<String> lines;
      do { // the line is written once the response is complete, which the client may see first
        List<ILoggingEvent> events;
        synchronized (appender) { // the server's threads append (AppenderBase.doAppend holds this lock)
          events = List.copyOf(appender.list);
        }
        lines = events.stream().map(ILoggingEvent::getFormattedMessage)
            .filter(l -> l.contains("alice@example.test") && l.contains("/.well-known/jmap")).toList();
      } while (lines.isEmpty() && Instant.now().isBefore(end) && pause());
      assertThat(lines).singleElement().satisfies(l -> {
        assertThat(l).matches("127\\.0\\.0\\.1 alice@example\\.test \"GET /\\.well-known/jmap HTTP/2\\.0\" 200 \\d+ \\d+ms");
        assertThat(l).doesNotContain("marker");
      });
    } finally {
      logger.detachAppender(appender);
    }
  }

  private static boolean pause() {
    Thread.onSpinWait();
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  /** Sends raw bytes to the plain HTTP port and returns everything the server answers before closing. */
  private static String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.port("http"))) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder b = new StringBuilder();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          b.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          if (complete(b)) {
            break;
          }
        }
      } catch (java.net.SocketException reset) {
        // the server may reset after answering a request it will not read
      }
      return b.toString();
    }
  }

  /** Whether a response with Content-Length has arrived whole. */
  private static boolean complete(StringBuilder b) {
    int end = b.indexOf("\r\n\r\n");
    if (end < 0) {
      return false;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(b.substring(0, end));
    return m.find() && b.length() >= end + 4 + Integer.parseInt(m.group(1));
  }

}
