package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PemFiles}: the JDK's reading of certificates and keys gives what Bouncy Castle's gives, and what
 * it does not take falls back to Bouncy Castle ({@link TlsContext#fromPem}), so no PEM file an operator
 * could load before is refused now.
 */
class PemFilesTest {
  @TempDir Path dir;

  private Path selfSigned(String name) throws IOException {
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    TlsContext.writeSelfSigned(List.of("mx.example.test", "localhost", "127.0.0.1", "::1"), cert, key);
    return cert;
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.US_ASCII);
    return p;
  }

  @Test
  void ourSelfSignedPairIsReadByTheJdkAsBouncyCastleReadsIt() throws Exception {
    Path cert = selfSigned("self");
    Path key = dir.resolve("self.key");
    assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----"); // PKCS#1
    PrivateKey jdk = PemFiles.privateKey(key);
    assertThat(jdk).isNotNull();
    assertThat(jdk.getEncoded()).isEqualTo(BcPem.privateKey(key).getEncoded());
    assertThat(PemFiles.certificates(cert)).map(c -> c.getEncoded()).containsExactlyElementsOf(
        BcPem.certificates(cert).stream().map(c -> {
          try {
            return c.getEncoded();
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }).toList());
    assertThat(TlsContext.subjectAltNames(cert)).containsExactly("mx.example.test", "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
  }

  @Test
  void pkcs8KeysOfEachAlgorithmAreReadByTheJdk() throws Exception {
    List<KeyPair> pairs = new ArrayList<>();
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    pairs.add(rsa.generateKeyPair());
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    pairs.add(ec.generateKeyPair());
    pairs.add(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    for (KeyPair kp : pairs) {
      // CRLF line endings and text around the block, as some tools write them
      Path p = write("k8-" + kp.getPrivate().getAlgorithm(), "a comment line\r\n"
          + PemFiles.encode("PRIVATE KEY", kp.getPrivate().getEncoded()).replace("\n", "\r\n") + "trailing text\r\n");
      PrivateKey read = PemFiles.privateKey(p);
      assertThat(read).as(kp.getPrivate().getAlgorithm()).isNotNull();
      assertThat(read.getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    }
  }

  @Test
  void aSec1EcKeyOrAnEncryptedKeyIsLeftToBouncyCastle() throws Exception {
    Path cert = selfSigned("base");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = ec.generateKeyPair();
    // SEC1 (RFC 5915) with its curve, as `openssl ecparam -genkey` writes it
    java.math.BigInteger s = ((java.security.interfaces.ECPrivateKey) kp.getPrivate()).getS();
    var sec1Der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, s,
        new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1)).getEncoded();
    Path sec1 = write("sec1.key", PemFiles.encode("EC PRIVATE KEY", sec1Der));
    assertThat(PemFiles.privateKey(sec1)).isNull();
    assertThat(((java.security.interfaces.ECPrivateKey) BcPem.privateKey(sec1)).getS()).isEqualTo(s);

    // an encrypted PKCS#1 key as `openssl genrsa -aes128` writes it (RFC 1421 headers; the bytes are not looked at)
    Path encrypted = write("enc.key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        + "DEK-Info: AES-128-CBC,3F17F5316E2BAC89B4E2F2D1D2AE8F0A\n\n"
        + Base64.getMimeEncoder().encodeToString(new byte[96]) + "\n-----END RSA PRIVATE KEY-----\n");
    assertThat(PemFiles.privateKey(encrypted)).isNull();
    assertThatThrownBy(() -> TlsContext.fromPem(cert, encrypted)).isInstanceOf(IOException.class)
        .hasMessageContaining("no unencrypted PEM private key found");
  }

  @Test
  void aChainWithTextBetweenItsBlocksIsReadInOrder() throws Exception {
    Path a = selfSigned("a");
    Path b = selfSigned("b");
    // openssl pkcs12's text in front (its friendly name as UTF-8 bytes), and between the blocks
    String chain = "Bag Attributes\n    friendlyName: m\u00fcnchen\nsubject=CN = mx.example.test\n" + Files.readString(a)
        + "\nissuer=CN = other\n" + Files.readString(b);
    Path file = dir.resolve("chain.pem");
    Files.writeString(file, chain, StandardCharsets.UTF_8);
    var certs = PemFiles.certificates(file);
    assertThat(certs).hasSize(2);
    assertThat(certs.get(0).getEncoded()).isEqualTo(PemFiles.certificates(a).getFirst().getEncoded());
    assertThat(certs.get(1).getEncoded()).isEqualTo(PemFiles.certificates(b).getFirst().getEncoded());
    TlsContext.fromPem(file, dir.resolve("a.key")); // the chain with its key makes a context
  }

  @Test
  void aFileWithoutACertificateFailsAsBefore() throws Exception {
    selfSigned("c");
    Path none = write("none.pem", "not a certificate\n");
    assertThat(PemFiles.certificates(none)).isEmpty();
    assertThatThrownBy(() -> TlsContext.fromPem(none, dir.resolve("c.key"))).isInstanceOf(IOException.class)
        .hasMessageContaining("no PEM certificate found");
  }

  @Test
  void derLengthsInShortAndLongForm() {
    assertThat(PemFiles.tlv(0x04, new byte[5])).startsWith(0x04, 0x05);
    assertThat(PemFiles.tlv(0x04, new byte[0x7f])).startsWith(0x04, 0x7f);
    assertThat(PemFiles.tlv(0x04, new byte[0x80])).startsWith(0x04, 0x81, 0x80);
    assertThat(PemFiles.tlv(0x30, new byte[0x1234])).startsWith(0x30, 0x82, 0x12, 0x34).hasSize(4 + 0x1234);
    assertThat(PemFiles.tlv(0x30, new byte[0x12345])).startsWith(0x30, 0x83, 0x01, 0x23, 0x45);
  }

  /**
   * The point of {@link PemFiles}: a server that reads a plain certificate and key (its restart) loads none
   * of Bouncy Castle's classes. A JVM of its own, its class loading logged.
   */
  @Test
  void readingAPlainPairLoadsNoBouncyCastleClass() throws Exception {
    Path cert = selfSigned("probe");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"),
        Probe.class.getName(), cert.toString(), dir.resolve("probe.key").toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("probe: context ready").contains("dev.postamt.net.PemFiles");
    assertThat(out.lines().filter(l -> l.contains("org.bouncycastle") || l.contains("dev.postamt.net.BcPem")))
        .as("Bouncy Castle classes loaded").isEmpty();
  }

  /** The probe's main: reads a certificate and key as a restart does and makes the TLS context. */
  static final class Probe {
    public static void main(String[] args) throws Exception {
      TlsContext.fromPem(Path.of(args[0]), Path.of(args[1]));
      System.out.println("probe: context ready");
    }
  }
}
