package dev.postamt.web;

import dev.postamt.jmap.json.Json;
import dev.postamt.testing.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JDK's HTTP client (HTTP/1.1 and HTTP/2) aimed at a {@link TestServer}'s http or https listener,
 * trusting exactly the server's self-signed certificate, with Basic credentials when given.
 */
public final class HttpTestClient {
  public final String base;
  private final HttpClient client;
  private final String authorization;

  private HttpTestClient(String base, HttpClient client, String authorization) {
    this.base = base;
    this.client = client;
    this.authorization = authorization;
  }

  /** A client of {@code service} ({@code http} or {@code https}), logged in as {@code user} (null: none). */
  public static HttpTestClient of(TestServer t, String service, String user) throws Exception {
    return of(t, service, user, TestServer.PASSWORD, HttpClient.Version.HTTP_2);
  }

  public static HttpTestClient of(TestServer t, String service, String user, String password, HttpClient.Version version)
      throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(10));
    if (service.equals("https")) {
      b.sslContext(trusting(t.config.dataDir().resolve("tls/selfsigned.crt")));
    }
    String auth = user == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new HttpTestClient(service + "://" + t.host() + ":" + t.port(service), b.build(), auth);
  }

  static SSLContext trusting(Path certFile) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(certFile)) {
      ks.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
        .timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return r;
  }

  public HttpResponse<String> get(String path) throws Exception {
    return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET whose body is read line by line as it arrives (an event stream). */
  public HttpResponse<java.util.stream.Stream<String>> getLines(String path) throws Exception {
    return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofLines());
  }

  public HttpResponse<byte[]> getBytes(String path) throws Exception {
    return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
    return client.send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A POST whose body leaves only {@code late} after the request's headers, as from a slow client: a
   * server that answers before reading it must still let the answer through (over HTTP/2, not a reset).
   */
  public HttpResponse<String> postLate(String path, String contentType, byte[] body, Duration late) throws Exception {
    java.util.concurrent.Flow.Publisher<java.nio.ByteBuffer> slow = s -> s.onSubscribe(new java.util.concurrent.Flow.Subscription() {
      private boolean sent;

      @Override
      public synchronized void request(long n) {
        if (!sent) {
          sent = true;
          java.util.concurrent.CompletableFuture.delayedExecutor(late.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
              .execute(() -> {
                s.onNext(java.nio.ByteBuffer.wrap(body));
                s.onComplete();
              });
        }
      }

      @Override
      public void cancel() {}
    });
    return client.send(request(path).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.fromPublisher(slow, body.length)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs a JMAP request and returns the parsed response (asserting 200). */
  @SuppressWarnings("unchecked")
  public Map<String, Object> jmap(String requestJson) throws Exception {
    HttpResponse<String> r = post("/jmap/api", "application/json", requestJson.getBytes(StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new AssertionError("JMAP answered " + r.statusCode() + ": " + r.body());
    }
    return (Map<String, Object>) Json.parse(r.body());
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> json(HttpResponse<String> r) throws Exception {
    return (Map<String, Object>) Json.parse(r.body());
  }
}
