package dev.postamt.delivery.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DANE (RFC 7672) between two instances: B (mx.b.test, self-signed certificate) receives; A sends with
 * the zone file's {@code b.test} marked signed ({@code [dns] signed_zones}) and TLSA records made from
 * B's real certificate, right or wrong.
 */
class DaneDeliveryTest {
  private static final String BASE =
      """
      $ORIGIN test.
      $TTL 300
      a.test.        MX 10 mx.a.test.
      mx.a.test.     A  127.0.1.2
      b.test.        MX 10 mx.b.test.
      mx.b.test.     A  127.0.1.3
      """;

  @RegisterExtension final MailNetwork net = MailNetwork.withZone(BASE);

  private MailHost b;
  private X509Certificate cert;

  private void startReceiver() throws Exception {
    b = net.host("127.0.1.3", "mx.b.test", "b.test", List.of("bob"), MailHost.Sections.none()).start();
    try (var in = Files.newInputStream(b.dir.resolve("data/tls/selfsigned.crt"))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** A, with the zone's TLSA line for mx.b.test and {@code signed} as its validated zones. */
  private MailHost sender(String tlsa, String signed, String policy) throws Exception {
    Files.writeString(net.zone, BASE + "_" + net.port + "._tcp.mx.b.test. TLSA " + tlsa + "\n");
    MailHost a = net.host("127.0.1.2", "mx.a.test", "a.test", List.of("alice"),
        new MailHost.Sections("", "", "", "", policy.isEmpty() ? "" : "[tls_policy]\n" + policy));
    String cfg = Files.readString(a.configFile);
    Files.writeString(a.configFile, cfg.replaceFirst("(?m)^zone_file = (.*)$", "zone_file = $1\nsigned_zones = [\"" + signed + "\"]"));
    return a.start();
  }

  private String spki256() throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
  }

  private String cert256() throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
  }

  @Test
  void aMatchingDaneEeRecordAuthenticatesTheHost() throws Exception {
    startReceiver();
    MailHost a = sender("3 1 1 " + spki256(), "b.test", "");
    a.send("alice@a.test", "bob@b.test", "dane-ee");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("dane-ee").contains("with ESMTPS ");
  }

  @Test
  void aDaneTaRecordForTheSelfSignedCertificateAuthenticatesByName() throws Exception {
    startReceiver();
    MailHost a = sender("2 0 1 " + cert256(), "b.test", "");
    a.send("alice@a.test", "bob@b.test", "dane-ta");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("dane-ta").contains("with ESMTPS ");
  }

  @Test
  void aWrongRecordDefersAndNothingGoesInClear() throws Exception {
    startReceiver();
    MailHost a = sender("3 1 1 " + "00".repeat(32), "b.test", "");
    a.send("alice@a.test", "bob@b.test", "wrong tlsa");
    assertThat(deferral(a)).startsWith("4.7.5 DANE authentication of mx.b.test").contains("no TLSA record matches");
    assertThat(b.messages("bob@b.test")).isEmpty();
  }

  @Test
  void unsignedRecordsAreIgnored() throws Exception {
    startReceiver();
    MailHost a = sender("3 1 1 " + "00".repeat(32), "other.test", "");
    a.send("alice@a.test", "bob@b.test", "not validated");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("not validated");
  }

  @Test
  void onlyUnusableRecordsStillRequireTls() throws Exception {
    startReceiver();
    MailHost a = sender("1 1 1 " + "00".repeat(32), "b.test", "\"b.test\" = \"dane\"\n");
    a.send("alice@a.test", "bob@b.test", "pkix-ee is unusable for smtp");
    assertThat(b.awaitMessages("bob@b.test", 1).getFirst()).contains("unusable").contains("with ESMTPS ");
  }

  @Test
  void daneOnlyRefusesAHostWithoutRecords() throws Exception {
    startReceiver();
    MailHost a = sender("3 1 1 " + spki256(), "a.test", "\"b.test\" = \"dane-only\"\n");
    a.send("alice@a.test", "bob@b.test", "dane-only");
    assertThat(deferral(a)).startsWith("4.7.5 mx.b.test has no DNSSEC-validated usable TLSA records (tls_policy: dane-only)");
  }

  private static String deferral(MailHost a) throws Exception {
    return Deferrals.await(a, null);
  }
}
