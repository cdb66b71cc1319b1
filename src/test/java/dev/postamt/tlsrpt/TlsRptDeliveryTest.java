package dev.postamt.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.postamt.jmap.json.Json;
import dev.postamt.net.TlsContext;
import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS reporting (RFC 8460) end to end. A sends to two domains whose MX records lead to B (mx.b.test
 * and mx.c.test, both 127.0.1.3) in DNSSEC-marked zones: b.test's TLSA record matches B's key (a
 * successful {@code tlsa} session), c.test's does not ({@code tlsa-invalid}, the mail is deferred).
 * b.test asks for reports by mail (to a user of B), c.test by https (a test server). The reports list
 * both outcomes, have the RFC's shape, and arrive: as a message with a gzipped JSON attachment, and as a
 * POST of {@code application/tlsrpt+gzip}.
 */
class TlsRptDeliveryTest {
  @RegisterExtension final MailNetwork net = MailNetwork.withZone("");

  private HttpsServer https;
  private final List<byte[]> posted = new CopyOnWriteArrayList<>();
  private final List<String> postedTypes = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopHttps() {
    if (https != null) {
      https.stop(0);
    }
  }

  /** The https rua endpoint, with a certificate for localhost; returns the certificate file A trusts. */
  private Path startHttps() throws Exception {
    Path cert = net.dir.resolve("https.crt");
    Path key = net.dir.resolve("https.key");
    TlsContext.writeSelfSigned(List.of("localhost"), cert, key);
    https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(TlsContext.fromPem(cert, key).sslContext()));
    https.createContext("/tlsrpt", ex -> {
      postedTypes.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type"));
      posted.add(ex.getRequestBody().readAllBytes());
      ex.sendResponseHeaders(201, -1);
      ex.close();
    });
    https.start();
    return cert;
  }

  private MailHost b;

  private MailHost hosts() throws Exception {
    return hosts("");
  }

  /** @param delivery more of A's {@code [delivery]} section */
  private MailHost hosts(String delivery) throws Exception {
    Path trust = startHttps();
    b = net.host("127.0.1.3", "mx.b.test", "b.test", List.of("bob", "reports"), MailHost.Sections.none()).start();
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(b.dir.resolve("data/tls/selfsigned.crt"))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    String spki = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
    Files.writeString(net.zone, """
        $ORIGIN test.
        $TTL 300
        a.test.        MX 10 mx.a.test.
        mx.a.test.     A  127.0.1.2
        b.test.        MX 10 mx.b.test.
        mx.b.test.     A  127.0.1.3
        c.test.        MX 10 mx.c.test.
        mx.c.test.     A  127.0.1.3
        _smtp._tls.b.test. TXT "v=TLSRPTv1; rua=mailto:reports@b.test"
        _smtp._tls.c.test. TXT "v=TLSRPTv1;rua=https://localhost:%d/tlsrpt"
        _%d._tcp.mx.b.test. TLSA 3 1 1 %s
        _%d._tcp.mx.c.test. TLSA 3 1 1 %s
        """.formatted(https.getAddress().getPort(), net.port, spki, net.port, "00".repeat(32)));
    MailHost a = net.host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"),
        new MailHost.Sections("", "tls_trust = \"" + trust + "\"\n" + delivery, "", "",
            "[tlsrpt]\nenabled = true\norganization = \"A Test Org\"\ncontact = \"postmaster@a.test\"\nfrom = \"postmaster@a.test\"\n"));
    String cfg = Files.readString(a.configFile);
    Files.writeString(a.configFile, cfg.replaceFirst("(?m)^zone_file = (.*)$", "zone_file = $1\nsigned_zones = [\"b.test\", \"c.test\"]"));
    assertThat(a.cli("dkim", "keygen", "a.test").status()).isZero();
    return a.start();
  }

  private static String today() {
    return LocalDate.now(ZoneOffset.UTC).toString();
  }

  /** The dry run's reports by policy domain. */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> dryRun(MailHost a) throws Exception {
    MailHost.Cli c = a.cli("tlsrpt", "send", "--date", today(), "--dry-run");
    assertThat(c.status()).as(c.err()).isZero();
    Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
    for (String line : c.out().split("\n")) {
      if (!line.isBlank()) {
        Map<String, Object> r = (Map<String, Object>) Json.parse(line);
        Map<String, Object> p = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) r.get("policies")).getFirst()).get("policy");
        out.put((String) p.get("policy-domain"), r);
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstPolicy(Map<String, Object> report) {
    return (Map<String, Object>) ((List<Object>) report.get("policies")).getFirst();
  }

  /**
   * mx.b.test and mx.c.test share an address. A connection to it verified against b.test's TLSA record
   * and kept in A's connection cache must not carry c.test's mail, whose TLSA record does not match:
   * c.test's message gets its own connection, fails DANE (a {@code tlsa-invalid} result) and is deferred.
   */
  @Test
  @SuppressWarnings("unchecked")
  void aConnectionVerifiedForOneMxNameDoesNotServeAnotherOnTheSameAddress() throws Exception {
    MailHost a = hosts("connection_cache_time = \"60s\"\n");
    a.send("alice@a.test", "bob@b.test", "dane matches");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("dane matches");
    a.send("alice@a.test", "carol@c.test", "dane does not match");
    Map<String, Map<String, Object>>[] seen = new Map[1];
    MailHost.await(() -> {
      try {
        seen[0] = dryRun(a);
        return seen[0].containsKey("c.test");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "a TLS result for c.test (a cached connection to mx.b.test carried its mail instead)");
    Map<String, Object> bad = firstPolicy(seen[0].get("c.test"));
    assertThat(((Map<String, Object>) bad.get("summary")).get("total-successful-session-count")).isEqualTo(0L);
    assertThat(a.server().spool().ids()).isNotEmpty(); // deferred, not sent
  }

  @Test
  @SuppressWarnings("unchecked")
  void bothOutcomesAreReportedAndTheReportsArriveByMailAndHttps() throws Exception {
    MailHost a = hosts();
    a.send("alice@a.test", "bob@b.test", "dane matches");
    a.send("alice@a.test", "carol@c.test", "dane does not match");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("dane matches");
    Map<String, Map<String, Object>>[] seen = new Map[1];
    MailHost.await(() -> {
      try {
        seen[0] = dryRun(a);
        return seen[0].containsKey("b.test") && seen[0].containsKey("c.test");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }, "results for b.test and c.test");

    Map<String, Object> good = firstPolicy(seen[0].get("b.test"));
    assertThat(((Map<String, Object>) good.get("policy")).get("policy-type")).isEqualTo("tlsa");
    assertThat((List<Object>) ((Map<String, Object>) good.get("policy")).get("policy-string")).singleElement().asString()
        .startsWith("3 1 1 ");
    assertThat(((Map<String, Object>) good.get("summary")).get("total-successful-session-count")).isEqualTo(1L);
    assertThat(((Map<String, Object>) good.get("summary")).get("total-failure-session-count")).isEqualTo(0L);

    Map<String, Object> bad = firstPolicy(seen[0].get("c.test"));
    assertThat(((Map<String, Object>) bad.get("policy")).get("policy-type")).isEqualTo("tlsa");
    assertThat(((Map<String, Object>) bad.get("summary")).get("total-successful-session-count")).isEqualTo(0L);
    Map<String, Object> detail = (Map<String, Object>) ((List<Object>) bad.get("failure-details")).getFirst();
    assertThat(detail).containsEntry("result-type", "tlsa-invalid").containsEntry("receiving-mx-hostname", "mx.c.test")
        .containsEntry("receiving-ip", "127.0.1.3").containsEntry("sending-mta-ip", "127.0.1.2");
    assertThat((Long) detail.get("failed-session-count")).isPositive();
    for (Map<String, Object> r : seen[0].values()) {
      ReportShape.check(r);
      assertThat(r).containsEntry("organization-name", "A Test Org").containsEntry("contact-info", "postmaster@a.test");
      assertThat((Map<String, Object>) r.get("date-range")).containsEntry("start-datetime", today() + "T00:00:00Z");
    }

    MailHost.Cli sent = a.cli("tlsrpt", "send", "--date", today());
    assertThat(sent.status()).as(sent.err()).isZero();
    assertThat(sent.out()).contains("b.test: report").contains("c.test: report").contains("posted to https://localhost:");

    // https: one POST of the gzipped report
    assertThat(postedTypes).containsExactly("POST application/tlsrpt+gzip");
    Object postedJson = Json.parse(new GZIPInputStream(new ByteArrayInputStream(posted.getFirst())).readAllBytes());
    ReportShape.check(postedJson);
    assertThat(postedJson.toString()).contains("tlsa-invalid").contains("c.test");

    // mailto: a message at B with the gzipped JSON attached, signed by a.test
    String raw = b.awaitMessages("reports@b.test", 1).getFirst();
    assertThat(raw).contains("DKIM-Signature:").contains("d=a.test").contains("TLS-Report-Domain: b.test")
        .contains("TLS-Report-Submitter: a.test");
    MimeMessage msg = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    assertThat(msg.getSubject()).startsWith("Report Domain: b.test Submitter: a.test Report-ID: <");
    assertThat(msg.getContentType()).contains("multipart/report").contains("report-type=\"tlsrpt\"");
    Multipart mp = (Multipart) msg.getContent();
    List<String> types = new ArrayList<>();
    BodyPart attachment = null;
    for (int i = 0; i < mp.getCount(); i++) {
      types.add(mp.getBodyPart(i).getContentType());
      if (mp.getBodyPart(i).isMimeType("application/tlsrpt+gzip")) {
        attachment = mp.getBodyPart(i);
      }
    }
    assertThat(attachment).as("an application/tlsrpt+gzip part among " + types).isNotNull();
    long begin = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    assertThat(attachment.getFileName()).isEqualTo("a.test!b.test!" + begin + "!" + (begin + 86399) + ".json.gz");
    Object mailed = Json.parse(new GZIPInputStream(attachment.getInputStream()).readAllBytes());
    ReportShape.check(mailed);
    assertThat(mailed.toString()).contains("b.test").doesNotContain("c.test");
  }

  @Test
  void sendingIsRefusedWhileOffAndADryRunSendsNothing() throws Exception {
    MailHost a = net.host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"), MailHost.Sections.none());
    MailHost.Cli c = a.cli("tlsrpt", "send");
    assertThat(c.status()).isNotZero();
    assertThat(c.err()).contains("[tlsrpt] enabled = false").doesNotContain("Exception");
    assertThat(a.cli("tlsrpt", "send", "--date", "yesterday").err()).contains("--date must be YYYY-MM-DD");
    assertThat(a.cli("tlsrpt", "send", "--dry-run").status()).isZero();
  }
}
