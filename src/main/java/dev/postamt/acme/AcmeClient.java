package dev.postamt.acme;

import dev.postamt.jmap.json.Json;
import dev.postamt.jmap.json.JsonException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The client side of RFC 8555, as much as getting a certificate takes: the directory (§7.1.1), nonces
 * (§7.2; a {@code badNonce} error is retried with the fresh nonce it carries, §6.5), an account
 * (§7.3: a known key gets its existing account back), an order (§7.4) whose authorizations are proved by
 * {@code http-01} (§8.3), finalisation with a CSR, polling, and the PEM chain (§7.4.2). Every request but
 * the directory and the nonce is a signed POST (§6.3: POST-as-GET for reading).
 */
final class AcmeClient implements AutoCloseable {
  /** How long an order may take from the first request to the certificate. */
  static final Duration ORDER_DEADLINE = Duration.ofMinutes(3);

  /** What the CA answered: status, header fields (first value, lower-case names) and body. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json() throws IOException {
      try {
        return (Map<String, Object>) Json.parse(body);
      } catch (JsonException | ClassCastException e) {
        throw new IOException("the ACME server sent no JSON object: " + e.getMessage(), e);
      }
    }

    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name));
    }
  }

  /** Publishes and withdraws the answer to an http-01 challenge (the file the http listener serves). */
  interface Challenges {
    void publish(String token, String keyAuthorization) throws IOException;

    void withdraw(String token);
  }

  private final HttpClient http;
  private final Jws jws;
  private final URI directoryUrl;
  private Map<String, Object> directory;
  private String nonce;
  private String kid;

  AcmeClient(URI directory, SSLContext ssl, Jws jws) {
    this.http = HttpClient.newBuilder().sslContext(ssl).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(30)).build();
    this.jws = jws;
    this.directoryUrl = directory;
  }

  private String endpoint(String name) throws IOException {
    if (directory == null) {
      Answer a = send(HttpRequest.newBuilder(directoryUrl).GET());
      if (a.status() != 200) {
        throw new IOException("ACME directory " + directoryUrl + " answered " + a.status());
      }
      directory = a.json();
    }
    if (!(directory.get(name) instanceof String url)) {
      throw new IOException("the ACME directory has no " + name);
    }
    return url;
  }

  private Answer send(HttpRequest.Builder b) throws IOException {
    try {
      HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofSeconds(60)).header("User-Agent", "Postamt").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      Map<String, String> h = new LinkedHashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
      if (h.containsKey("replay-nonce")) {
        nonce = h.get("replay-nonce"); // §7.2: every answer may carry the next nonce
      }
      return new Answer(r.statusCode(), h, r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** A signed POST; {@code payload} null is POST-as-GET. Problems (RFC 7807 documents) become IOExceptions. */
  private Answer post(String url, Object payload, String accept) throws IOException {
    for (int attempt = 0; ; attempt++) {
      if (nonce == null) {
        send(HttpRequest.newBuilder(URI.create(endpoint("newNonce"))).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (nonce == null) {
          throw new IOException("the ACME server gave no Replay-Nonce");
        }
      }
      byte[] body;
      try {
        body = jws.sign(url, nonce, kid, payload);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot sign the ACME request: " + e.getMessage(), e);
      }
      nonce = null;
      Answer a = send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/jose+json")
          .header("Accept", accept).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
      if (a.status() < 400) {
        return a;
      }
      String type = "";
      String detail = new String(a.body(), StandardCharsets.UTF_8);
      try {
        Map<String, Object> problem = a.json();
        type = String.valueOf(problem.getOrDefault("type", ""));
        detail = String.valueOf(problem.getOrDefault("detail", detail));
      } catch (IOException notJson) {
        // the raw body is the detail
      }
      if (type.endsWith(":badNonce") && attempt < 3) {
        continue; // §6.5: retry with the nonce this answer brought
      }
      throw new IOException("ACME " + url + ": " + a.status() + " " + type + " " + detail);
    }
  }

  /** Creates the account, or finds the one of our key (§7.3); agrees to the CA's terms. */
  void account(Optional<String> email) throws IOException {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("termsOfServiceAgreed", true);
    email.ifPresent(e -> p.put("contact", List.of("mailto:" + e)));
    kid = null;
    Answer a = post(endpoint("newAccount"), p, "application/json");
    kid = a.header("location").orElseThrow(() -> new IOException("the ACME server gave no account URL"));
  }

  /**
   * Orders a certificate for {@code names}, proves each authorization by http-01 through {@code
   * challenges}, finalises with {@code csr} (DER) and returns the PEM chain.
   */
  @SuppressWarnings("unchecked")
  String certificate(List<String> names, byte[] csr, Challenges challenges) throws IOException {
    Instant deadline = Instant.now().plus(ORDER_DEADLINE);
    List<Object> ids = new ArrayList<>();
    for (String n : names) {
      ids.add(Map.of("type", "dns", "value", n));
    }
    Answer created = post(endpoint("newOrder"), Map.of("identifiers", ids), "application/json");
    String orderUrl = created.header("location").orElseThrow(() -> new IOException("the ACME server gave no order URL"));
    Map<String, Object> order = created.json();
    for (Object authzUrl : (List<Object>) order.getOrDefault("authorizations", List.of())) {
      authorize((String) authzUrl, challenges, deadline);
    }
    order = poll(orderUrl, List.of("ready", "valid"), deadline);
    if (order.get("status").equals("ready")) {
      post((String) order.get("finalize"), Map.of("csr", Jws.b64(csr)), "application/json");
      order = poll(orderUrl, List.of("valid"), deadline);
    }
    if (!(order.get("certificate") instanceof String certUrl)) {
      throw new IOException("the valid order has no certificate URL");
    }
    Answer chain = post(certUrl, null, "application/pem-certificate-chain");
    return new String(chain.body(), StandardCharsets.US_ASCII);
  }

  /** One authorization: its http-01 challenge published, answered, and polled until valid. */
  @SuppressWarnings("unchecked")
  private void authorize(String url, Challenges challenges, Instant deadline) throws IOException {
    Map<String, Object> authz = post(url, null, "application/json").json();
    if ("valid".equals(authz.get("status"))) {
      return; // proved recently (§7.1.4: authorizations are reused)
    }
    Map<String, Object> http01 = null;
    for (Object c : (List<Object>) authz.getOrDefault("challenges", List.of())) {
      if (c instanceof Map<?, ?> m && "http-01".equals(m.get("type"))) {
        http01 = (Map<String, Object>) m;
      }
    }
    Object id = authz.get("identifier") instanceof Map<?, ?> i ? i.get("value") : "?";
    if (http01 == null) {
      throw new IOException("the ACME server offers no http-01 challenge for " + id);
    }
    String token = (String) http01.get("token");
    if (token == null || !token.matches("[A-Za-z0-9_-]+")) {
      throw new IOException("bad http-01 token for " + id);
    }
    challenges.publish(token, jws.keyAuthorization(token));
    try {
      post((String) http01.get("url"), Map.of(), "application/json"); // §7.5.1: ready to be checked
      Map<String, Object> done = poll(url, List.of("valid", "invalid"), deadline);
      if (!"valid".equals(done.get("status"))) {
        throw new IOException("the ACME server could not validate " + id + " over http-01: " + problem(done));
      }
    } finally {
      challenges.withdraw(token);
    }
  }

  @SuppressWarnings("unchecked")
  private static String problem(Map<String, Object> authz) {
    for (Object c : (List<Object>) authz.getOrDefault("challenges", List.of())) {
      if (c instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?> e) {
        return String.valueOf(e.get("detail"));
      }
    }
    return "no detail given";
  }

  /** POST-as-GET until the resource's status is one of {@code wanted}; "invalid" ends it too. */
  private Map<String, Object> poll(String url, List<String> wanted, Instant deadline) throws IOException {
    long wait = 200;
    while (true) {
      Answer a = post(url, null, "application/json");
      Map<String, Object> r = a.json();
      Object status = r.get("status");
      if (wanted.contains(status)) {
        return r;
      }
      if ("invalid".equals(status)) {
        throw new IOException("ACME " + url + " became invalid: " + Json.write(r.getOrDefault("error", r)));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("ACME " + url + " still " + status + " after " + ORDER_DEADLINE.toMinutes() + " minutes");
      }
      long retryAfter = a.header("retry-after").filter(v -> v.matches("[0-9]{1,4}")).map(v -> Long.parseLong(v) * 1000).orElse(wait);
      try {
        Thread.sleep(Math.min(retryAfter, 10_000)); // the CA's pace, as §7.5.1 and §7.4 ask
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      wait = Math.min(wait * 2, 5_000);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
