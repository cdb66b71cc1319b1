package dev.postamt.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.mailauth.FakeResolver;
import dev.postamt.mailauth.dkim.DkimResult.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key generation, storage and loading, and signing with what was stored. */
class DkimKeysTest {
  @TempDir Path data;

  static final byte[] MSG = ("From: a@example.test\r\nTo: b@example.net\r\nSubject: s\r\n"
      + "List-Id: <x.example.test>\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);

  @Test
  void generatesStoresAndSignsWithRsa() throws Exception {
    DkimKeys.Generated g = DkimKeys.generate(data, "Example.TEST.", "sel1", "rsa");
    Path file = data.resolve("dkim/example.test/sel1.rsa.key");
    assertThat(g.key().file()).isEqualTo(file);
    assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(g.dnsName()).isEqualTo("sel1._domainkey.example.test");
    assertThat(g.txt()).startsWith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
    // 2048-bit RSA needs more than one 255-character string.
    String zone = g.zoneLine();
    assertThat(zone).startsWith("sel1._domainkey.example.test. IN TXT ( \"v=DKIM1; k=rsa; p=").endsWith("\" )");
    List<String> strings = List.of(zone.substring(zone.indexOf('"')).split("\"\\s*\"?"));
    assertThat(zone.split("\n")).hasSize(2);
    assertThat(strings).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(257));
    assertThat(String.join("", zone.replaceAll("(?s)^[^\"]*\"|\"[^\"]*$", "").split("\"\\s+\""))).isEqualTo(g.txt());

    DkimSigner signer = DkimSigner.forDomain(data, "example.test").orElseThrow();
    String header = signer.sign(MSG);
    assertThat(header).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.test; s=sel1;").endsWith("\r\n");
    assertThat(header).contains("h=from:to:subject:list-id:from;");
    assertThat(header.split("\r\n")).allSatisfy(l -> assertThat(l.replace("\t", "        ").length()).isLessThanOrEqualTo(78));
    FakeResolver dns = new FakeResolver().txt(g.dnsName(), g.txt());
    byte[] signed = DkimVectorsTest.concat(header.getBytes(StandardCharsets.US_ASCII), MSG);
    assertThat(new DkimVerifier(dns).verify(signed)).extracting(DkimResult::status).containsExactly(Status.PASS);
  }

  @Test
  void dualSigningUsesTheNewestKeyOfEachAlgorithm() throws Exception {
    DkimKeys.Generated old = DkimKeys.generate(data, "example.test", "old", "ed25519");
    Files.setLastModifiedTime(old.key().file(), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    DkimKeys.Generated ed = DkimKeys.generate(data, "example.test", "ed", "ed25519");
    DkimKeys.Generated rsa = DkimKeys.generate(data, "example.test", "rsa", "rsa");
    assertThat(ed.txt()).matches("v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=");
    assertThat(DkimKeys.load(data, "example.test")).extracting(SigningKey::selector).endsWith("old").hasSize(3);
    DkimSigner signer = DkimSigner.forDomain(data, "example.test").orElseThrow();
    assertThat(signer.keys()).extracting(SigningKey::selector).containsExactlyInAnyOrder("ed", "rsa");
    FakeResolver dns = new FakeResolver().txt(ed.dnsName(), ed.txt()).txt(rsa.dnsName(), rsa.txt());
    byte[] signed = DkimVectorsTest.concat(signer.sign(MSG).getBytes(StandardCharsets.US_ASCII), MSG);
    assertThat(new DkimVerifier(dns).verify(signed)).extracting(DkimResult::status).containsExactly(Status.PASS, Status.PASS);
    // The public half can be recomputed from a stored key, e.g. to show the record again.
    assertThat(DkimKeys.txtRecord(DkimAlgorithm.ED25519_SHA256, DkimKeys.publicKey(DkimKeys.load(data, "example.test").stream()
        .filter(k -> k.selector().equals("ed")).findFirst().orElseThrow().key()))).isEqualTo(ed.txt());
  }

  @Test
  void refusesBadInputAndNeverOverwrites() throws Exception {
    DkimKeys.generate(data, "example.test", "s", "ed25519");
    assertThatThrownBy(() -> DkimKeys.generate(data, "example.test", "s", "ed25519")).hasMessageContaining("already exists");
    assertThatThrownBy(() -> DkimKeys.generate(data, "example.test", "s", "rsa")).hasMessageContaining("already exists");
    assertThatThrownBy(() -> DkimKeys.generate(data, "../etc", "s", "rsa")).hasMessageContaining("bad domain");
    assertThatThrownBy(() -> DkimKeys.generate(data, "localhost", "s", "rsa")).hasMessageContaining("bad domain");
    assertThatThrownBy(() -> DkimKeys.generate(data, "example.test", "a/b", "rsa")).hasMessageContaining("bad selector");
    assertThatThrownBy(() -> DkimKeys.generate(data, "example.test", "x", "dsa")).hasMessageContaining("unknown algorithm");
  }

  @Test
  void noKeysNoSigner() throws Exception {
    assertThat(DkimSigner.forDomain(data, "example.test")).isEmpty();
    assertThat(DkimKeys.defaultSelector("rsa", LocalDate.of(2026, 11, 23))).isEqualTo("postamt-202611-rsa");
  }

  @Test
  void readsOpendkimStylePkcs1Keys() throws Exception {
    Path dir = Files.createDirectories(data.resolve("dkim/example.test"));
    Files.copy(DkimVectorsTest.DATA.resolve("test.private"), dir.resolve("test.rsa.key"));
    Files.writeString(dir.resolve("README"), "not a key");
    assertThat(DkimKeys.load(data, "example.test")).singleElement()
        .satisfies(k -> assertThat(k.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256));
    Files.writeString(dir.resolve("broken.ed25519.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> DkimKeys.load(data, "example.test")).hasMessageContaining("broken.ed25519.key");
  }

  /** Bouncy Castle's reading of a PEM key, as DkimKeys read every key before (the reference). */
  private static java.security.PrivateKey bouncyCastle(String pem) throws Exception {
    try (var p = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
      Object o = p.readObject();
      var conv = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
      return o instanceof org.bouncycastle.openssl.PEMKeyPair kp ? conv.getKeyPair(kp).getPrivate()
          : conv.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) o);
    }
  }

  @Test
  void theJdkReadsOurKeysAndOpendkimsAsBouncyCastleDid() throws Exception {
    DkimKeys.generate(data, "example.test", "r", "rsa");
    DkimKeys.generate(data, "example.test", "e", "ed25519");
    Path dir = data.resolve("dkim/example.test");
    List<Path> files = List.of(dir.resolve("r.rsa.key"), dir.resolve("e.ed25519.key"), DkimVectorsTest.DATA.resolve("test.private"));
    for (Path f : files) {
      String pem = Files.readString(f, StandardCharsets.US_ASCII);
      assertThat(dev.postamt.net.PemFiles.privateKey(pem)).as("read by the JDK: %s", f).isNotNull();
      var key = DkimKeys.readPrivateKey(pem, f);
      assertThat(key.getEncoded()).as("%s", f).isEqualTo(bouncyCastle(pem).getEncoded());
      assertThat(key.getClass().getName()).as("a JDK key: %s", f).startsWith("sun.security.");
    }
    // what the JDK reader does not take is read as before: an EC key is no DKIM key, with the same error
    var ec = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
    assertThatThrownBy(() -> DkimKeys.readPrivateKey(dev.postamt.net.PemFiles.encode("PRIVATE KEY", ec.getEncoded()), dir))
        .hasMessageContaining("cannot read DKIM key");
  }

  /** The point of reading keys with the JDK: a server that signs loads none of Bouncy Castle's classes for it. */
  @Test
  void loadingTheKeysLoadsNoBouncyCastleClass() throws Exception {
    DkimKeys.generate(data, "example.test", "r", "rsa");
    DkimKeys.generate(data, "example.test", "e", "ed25519");
    Files.copy(DkimVectorsTest.DATA.resolve("test.private"), data.resolve("dkim/example.test/o.rsa.key"));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(javaBin.toString(), "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"),
        Probe.class.getName(), data.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("probe: 3 keys").contains("dev.postamt.net.PemFiles");
    assertThat(out.lines().filter(l -> l.contains("org.bouncycastle"))).as("Bouncy Castle classes loaded").isEmpty();
  }

  /** The probe's main: loads the keys of example.test as the signer does. */
  static final class Probe {
    public static void main(String[] args) throws Exception {
      System.out.println("probe: " + DkimKeys.load(Path.of(args[0]), "example.test").size() + " keys");
    }
  }
}
