package dev.postamt.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.FakeResolver;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mailauth.dkim.DkimResult.Status;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** dkimpy's RFC 6376 and RFC 8463 examples: the published signatures verify and we reproduce them. */
class DkimVectorsTest {
  static final Path DATA = dev.postamt.mailauth.TestData.dir("dkim/dkimpy");
  // RFC 8463 §A.2: the public half of the RFC 8032 §7.1 test 1 key, used for selector "brisbane".
  static final String BRISBANE = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);

  static String read(String name) throws Exception {
    return Files.readString(DATA.resolve(name), StandardCharsets.ISO_8859_1).strip();
  }

  /** dkimpy's files use LF; the wire form is CRLF. */
  static byte[] crlf(String name) throws Exception {
    String s = Files.readString(DATA.resolve(name), StandardCharsets.ISO_8859_1);
    return s.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  static FakeResolver rfc8463Dns() throws Exception {
    return new FakeResolver()
        .txt("brisbane._domainkey.football.example.com", BRISBANE)
        .txt("test._domainkey.football.example.com", read("test.txt"));
  }

  @Test
  void rfc8463ExampleVerifiesBothSignatures() throws Exception {
    List<DkimResult> r = new DkimVerifier(rfc8463Dns(), DkimPolicy.DEFAULT, CLOCK).verify(crlf("rfc6376.signed.msg"));
    assertThat(r).extracting(DkimResult::status).containsExactly(Status.PASS, Status.PASS);
    assertThat(r).extracting(DkimResult::algorithm).containsExactly("ed25519-sha256", "rsa-sha256");
    assertThat(r.get(0).authResults()).isEqualTo(
        "dkim=pass (256-bit key) header.d=football.example.com header.i=@football.example.com"
            + " header.s=brisbane header.a=ed25519-sha256 header.b=\"9/dsDChY\"");
    assertThat(r.get(1).keyBits()).isEqualTo(1024);
  }

  @Test
  void rfc8463ExampleWithLfLineEndsVerifiesToo() throws Exception {
    byte[] lf = Files.readAllBytes(DATA.resolve("rfc6376.signed.msg"));
    List<DkimResult> r = new DkimVerifier(rfc8463Dns(), DkimPolicy.DEFAULT, CLOCK).verify(lf);
    assertThat(r).extracting(DkimResult::status).containsExactly(Status.PASS, Status.PASS);
  }

  @Test
  void rfc8463ExampleSignaturesAreReproducedExactly() throws Exception {
    byte[] msg = crlf("rfc6376.signed.msg");
    HeaderSection h = HeaderSection.parse(msg);
    PrivateKey ed = DkimKeys.ed25519FromSeed(Base64.getDecoder().decode(read("rfc8032_7_1.key")));
    PrivateKey rsa = DkimKeys.readPrivateKey(read("test.private"), DATA.resolve("test.private"));
    List<HeaderSection.Field> sigs = h.all("DKIM-Signature");
    for (int i = 0; i < 2; i++) {
      DkimSignature sig = DkimSignature.parse(sigs.get(i).raw());
      // The body hash from our canonicalizer, over the unsigned message (rfc6376.msg).
      BodyHasher bh = new BodyHasher(HeaderHash.digest("SHA-256"), sig.bodyCanon() == Canonicalization.RELAXED, -1);
      byte[] unsigned = crlf("rfc6376.msg");
      int bodyStart = indexOf(unsigned, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) + 4;
      bh.write(unsigned, bodyStart, unsigned.length - bodyStart);
      assertThat(bh.finish()).isEqualTo(sig.bodyHash());
      String stripped = sig.raw().substring(0, sig.raw().indexOf(':') + 1) + sig.tags().withEmptyValue("b");
      byte[] data = HeaderHash.data(HeaderHash.select(h, sig.headers()), sig.headerCanon(), stripped);
      byte[] made = HeaderHash.sign(sig.algorithm(), i == 0 ? ed : rsa, data);
      assertThat(Base64.getEncoder().encodeToString(made)).as(sig.algorithm().tag()).isEqualTo(sig.signatureBase64());
    }
  }

  @Test
  void eximEd25519SignatureVerifies() throws Exception {
    FakeResolver dns = new FakeResolver().txt("sed._domainkey.test.ex", read("eximtest.dns"));
    List<DkimResult> r = new DkimVerifier(dns, DkimPolicy.DEFAULT, CLOCK).verify(crlf("ed25519test2.msg"));
    assertThat(r).extracting(DkimResult::status).containsExactly(Status.PASS);
  }

  @Test
  void signingDkimpyMessagesWithTheirKeysVerifies() throws Exception {
    PrivateKey ed = DkimKeys.ed25519FromSeed(Base64.getDecoder().decode(read("ed25519test.key")));
    PrivateKey rsa = DkimKeys.readPrivateKey(read("test.private"), DATA.resolve("test.private"));
    DkimSigner signer = new DkimSigner(List.of(
        new SigningKey("example.com", "ed", DkimAlgorithm.ED25519_SHA256, ed, null),
        new SigningKey("example.com", "test", DkimAlgorithm.RSA_SHA256, rsa, null)), CLOCK);
    FakeResolver dns = new FakeResolver()
        .txt("ed._domainkey.example.com", read("ed25519test.dns"))
        .txt("test._domainkey.example.com", read("test.txt"));
    for (String m : List.of("ed25519test.msg", "test.message", "test_extra.message", "test2.message")) {
      byte[] msg = crlf(m);
      byte[] signed = concat(signer.sign(msg).getBytes(StandardCharsets.ISO_8859_1), msg);
      List<DkimResult> r = new DkimVerifier(dns, DkimPolicy.DEFAULT, CLOCK).verify(new ByteArrayInputStream(signed));
      assertThat(r.subList(0, 2)).as(m).extracting(DkimResult::status).containsExactly(Status.PASS, Status.PASS);
      if (m.equals("test2.message")) {
        // gmail's original signature with its "degenerate but legal" folding (Debian bug #711751)
        // parses; its key is simply not in our DNS.
        assertThat(r.get(2).status()).isEqualTo(Status.PERMERROR);
        assertThat(r.get(2).reason()).isEqualTo("no key for signature");
      }
    }
  }

  @Test
  void brokenKeyRecordsFromDkimpyAreErrors() throws Exception {
    byte[] msg = crlf("test.message");
    PrivateKey rsa = DkimKeys.readPrivateKey(read("test.private"), DATA.resolve("test.private"));
    DkimSigner signer = new DkimSigner(
        List.of(new SigningKey("example.com", "test", DkimAlgorithm.RSA_SHA256, rsa, null)), CLOCK);
    byte[] signed = concat(signer.sign(msg).getBytes(StandardCharsets.ISO_8859_1), msg);
    // badk.txt: k=ed25519-sha256 is no key type; badversion.txt: "v=DKIM1:" is a bad version;
    // test_bad.txt: the key's last bytes are changed, so it is a different (or no) key.
    assertThat(statusWithKey(signed, read("badk.txt"))).isEqualTo(Status.PERMERROR);
    assertThat(statusWithKey(signed, read("badversion.txt"))).isEqualTo(Status.PERMERROR);
    assertThat(statusWithKey(signed, read("test_bad.txt"))).isIn(Status.FAIL, Status.PERMERROR);
    assertThat(statusWithKey(signed, read("test2.txt"))).isEqualTo(Status.PASS); // k= defaults to rsa
  }

  static Status statusWithKey(byte[] signed, String record) {
    FakeResolver dns = new FakeResolver().txt("test._domainkey.example.com", record);
    return new DkimVerifier(dns, DkimPolicy.DEFAULT, CLOCK).verify(signed).getFirst().status();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
