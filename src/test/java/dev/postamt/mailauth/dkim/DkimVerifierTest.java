package dev.postamt.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.FakeResolver;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mailauth.dkim.DkimResult.Status;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The verifier's rules, each shown by a signature made for the case. */
class DkimVerifierTest {
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
  static final String MSG = "From: Joe <joe@example.com>\r\nTo: ann@example.net\r\nSubject: hi\r\n"
      + "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n\r\nHello  there.\r\n\r\n\r\n";
  static KeyPair rsa2048;
  static KeyPair rsa512;
  static KeyPair ed;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    rsa2048 = g.generateKeyPair();
    g.initialize(512);
    rsa512 = g.generateKeyPair();
    ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  FakeResolver dns() {
    return new FakeResolver()
        .txt("rsa._domainkey.example.com", DkimKeys.txtRecord(DkimAlgorithm.RSA_SHA256, rsa2048.getPublic()))
        .txt("weak._domainkey.example.com", DkimKeys.txtRecord(DkimAlgorithm.RSA_SHA256, rsa512.getPublic()))
        .txt("ed._domainkey.example.com", DkimKeys.txtRecord(DkimAlgorithm.ED25519_SHA256, ed.getPublic()))
        .txt("strict._domainkey.example.com",
            DkimKeys.txtRecord(DkimAlgorithm.RSA_SHA256, rsa2048.getPublic()) + "; t=s")
        .txt("testing._domainkey.example.com",
            DkimKeys.txtRecord(DkimAlgorithm.RSA_SHA256, rsa2048.getPublic()) + "; t=y")
        .txt("sha1only._domainkey.example.com",
            DkimKeys.txtRecord(DkimAlgorithm.RSA_SHA256, rsa2048.getPublic()) + "; h=sha1")
        .txt("revoked._domainkey.example.com", "v=DKIM1; p=")
        .tempfail("down._domainkey.example.com");
  }

  /**
   * Signs {@code msg} with a hand-written tag list ({@code tags} without bh= and b=), the way a signer
   * we do not control might.
   */
  static String signed(String msg, String tags, KeyPair key) throws Exception {
    byte[] m = msg.getBytes(StandardCharsets.ISO_8859_1);
    String field = "DKIM-Signature: " + tags + "; bh=" + bodyHash(msg, tags) + "; b=";
    DkimSignature sig;
    try {
      sig = DkimSignature.parse(field + "AAAA\r\n");
    } catch (DkimSignature.InvalidException e) {
      return field + "AAAA\r\n" + msg; // deliberately broken tags: never reaches the crypto
    }
    HeaderSection h = HeaderSection.parse(m);
    byte[] data = HeaderHash.data(HeaderHash.select(h, sig.headers()), sig.headerCanon(), field);
    byte[] b = HeaderHash.sign(sig.algorithm(), key.getPrivate(), data);
    return field + Base64.getEncoder().encodeToString(b) + "\r\n" + msg;
  }

  static String bodyHash(String msg, String tags) throws Exception {
    boolean relaxed = tags.contains("c=relaxed/relaxed") || tags.contains("c=simple/relaxed");
    boolean sha1 = tags.contains("a=rsa-sha1");
    long l = -1;
    for (String part : tags.split(";")) {
      if (part.strip().startsWith("l=")) {
        l = Long.parseLong(part.strip().substring(2));
      }
    }
    BodyHasher bh = new BodyHasher(HeaderHash.digest(sha1 ? "SHA-1" : "SHA-256"), relaxed, l);
    byte[] body = msg.substring(msg.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
    bh.write(body, 0, body.length);
    return Base64.getEncoder().encodeToString(bh.finish());
  }

  DkimResult verify(String message) {
    List<DkimResult> r = new DkimVerifier(dns(), DkimPolicy.DEFAULT, CLOCK)
        .verify(message.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(r).hasSize(1);
    return r.getFirst();
  }

  static final String RSA = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=rsa; h=from:to:subject";

  @Test
  void goodSignaturesPassInEveryCanonicalization() throws Exception {
    for (String c : List.of("simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed")) {
      String tags = "v=1; a=rsa-sha256; c=" + c + "; d=example.com; s=rsa; h=from:to:subject";
      assertThat(verify(signed(MSG, tags, rsa2048)).status()).as(c).isEqualTo(Status.PASS);
    }
    DkimResult r = verify(signed(MSG, "v=1; a=ed25519-sha256; d=example.com; s=ed; h=from", ed));
    assertThat(r.status()).isEqualTo(Status.PASS);
    assertThat(r.authResults()).startsWith("dkim=pass (256-bit key) header.d=example.com header.i=@example.com header.s=ed header.a=ed25519-sha256 header.b=\"");
  }

  @Test
  void changedBodyOrHeaderFails() throws Exception {
    String s = signed(MSG, RSA, rsa2048);
    DkimResult body = verify(s.replace("Hello", "Hullo"));
    assertThat(body.status()).isEqualTo(Status.FAIL);
    assertThat(body.reason()).isEqualTo("body hash did not verify");
    DkimResult header = verify(s.replace("Subject: hi", "Subject: ho"));
    assertThat(header.status()).isEqualTo(Status.FAIL);
    assertThat(header.reason()).isEqualTo("signature did not verify");
    // Relaxed canonicalization forgives re-folding and white space changes.
    assertThat(verify(s.replace("Subject: hi", "Subject:   hi  ").replace("Hello  there.", "Hello there.   ")).status())
        .isEqualTo(Status.PASS);
  }

  @Test
  void bodyLengthLimitPassesButIsMarkedWeak() throws Exception {
    String s = signed(MSG, RSA + "; l=14", rsa2048);
    assertThat(verify(s).status()).isEqualTo(Status.PASS);
    assertThat(verify(s).bodyLengthLimited()).isFalse();
    DkimResult appended = verify(s + "Buy cheap pills at evil.example\r\n");
    assertThat(appended.status()).isEqualTo(Status.PASS);
    assertThat(appended.bodyLengthLimited()).isTrue();
    assertThat(appended.weak()).isTrue();
    assertThat(appended.authResults()).contains("l= signs only part of the body");
    DkimResult tooLong = verify(signed(MSG, RSA + "; l=9999", rsa2048));
    assertThat(tooLong.status()).isEqualTo(Status.FAIL);
    assertThat(tooLong.reason()).isEqualTo("body shorter than l=");
  }

  @Test
  void expiryAndTimestamp() throws Exception {
    assertThat(verify(signed(MSG, RSA + "; t=1600000000; x=1600000100", rsa2048)).reason()).isEqualTo("signature expired");
    assertThat(verify(signed(MSG, RSA + "; t=1600000000; x=1800000000", rsa2048)).status()).isEqualTo(Status.PASS);
    assertThat(verify(signed(MSG, RSA + "; t=1800000000", rsa2048)).reason()).isEqualTo("signature timestamp in the future");
    assertThat(verify(signed(MSG, RSA + "; t=1600000100; x=1600000000", rsa2048)).status()).isEqualTo(Status.NEUTRAL);
  }

  @Test
  void identityMustBeWithinDomain() throws Exception {
    assertThat(verify(signed(MSG, RSA + "; i=joe@mail.example.com", rsa2048)).status()).isEqualTo(Status.PASS);
    DkimResult outside = verify(signed(MSG, RSA + "; i=joe@evil.example", rsa2048));
    assertThat(outside.status()).isEqualTo(Status.NEUTRAL);
    assertThat(outside.domain()).isEqualTo("example.com");
    assertThat(verify(signed(MSG, RSA + "; i=joe@notexample.com", rsa2048)).status()).isEqualTo(Status.NEUTRAL);
    String strict = "v=1; a=rsa-sha256; d=example.com; s=strict; h=from";
    assertThat(verify(signed(MSG, strict + "; i=@example.com", rsa2048)).status()).isEqualTo(Status.PASS);
    assertThat(verify(signed(MSG, strict + "; i=@sub.example.com", rsa2048)).status()).isEqualTo(Status.PERMERROR);
  }

  @Test
  void rfc8301RulesGivePolicy() throws Exception {
    DkimResult sha1 = verify(signed(MSG, "v=1; a=rsa-sha1; d=example.com; s=rsa; h=from", rsa2048));
    assertThat(sha1.status()).isEqualTo(Status.POLICY);
    assertThat(sha1.authResults()).startsWith("dkim=policy (rsa-sha1 is not accepted [RFC 8301])");
    DkimResult weak = verify(signed(MSG, "v=1; a=rsa-sha256; d=example.com; s=weak; h=from", rsa512));
    assertThat(weak.status()).isEqualTo(Status.POLICY);
    assertThat(weak.reason()).contains("512-bit");
    // A forged sha1 signature is a plain failure, not "policy".
    String forged = signed(MSG, "v=1; a=rsa-sha1; d=example.com; s=rsa; h=from", rsa2048).replace("Joe", "Jon");
    assertThat(verify(forged).status()).isEqualTo(Status.FAIL);
  }

  @Test
  void keyProblems() throws Exception {
    assertThat(verify(signed(MSG, "v=1; a=rsa-sha256; d=example.com; s=down; h=from", rsa2048)).status())
        .isEqualTo(Status.TEMPERROR);
    assertThat(verify(signed(MSG, "v=1; a=rsa-sha256; d=example.com; s=nokey; h=from", rsa2048)).status())
        .isEqualTo(Status.PERMERROR);
    assertThat(verify(signed(MSG, "v=1; a=rsa-sha256; d=example.com; s=revoked; h=from", rsa2048)).reason())
        .isEqualTo("key revoked (empty p=)");
    assertThat(verify(signed(MSG, "v=1; a=rsa-sha256; d=example.com; s=sha1only; h=from", rsa2048)).status())
        .isEqualTo(Status.PERMERROR);
    assertThat(verify(signed(MSG, "v=1; a=ed25519-sha256; d=example.com; s=rsa; h=from", ed)).reason())
        .isEqualTo("key type rsa does not match a=");
    DkimResult testing = verify(signed(MSG, "v=1; a=rsa-sha256; d=example.com; s=testing; h=from", rsa2048));
    assertThat(testing.testing()).isTrue();
    assertThat(testing.authResults()).contains("testing key");
  }

  @Test
  void syntaxProblemsAreNeutral() throws Exception {
    String base = signed(MSG, RSA, rsa2048);
    assertThat(verify(base.replace("v=1;", "v=2;")).status()).isEqualTo(Status.NEUTRAL);
    assertThat(verify(base.replace("h=from:to:subject", "h=to:subject")).reason()).isEqualTo("From is not signed (h= lacks from)");
    assertThat(verify(base.replace("; s=rsa", "; s=rsa; s=rsa")).reason()).contains("duplicate tag s");
    assertThat(verify(base.replace("a=rsa-sha256", "a=rsa-md5")).reason()).contains("unknown algorithm");
    assertThat(verify(base.replace("c=relaxed/relaxed", "c=relaxed/fancy")).reason()).contains("canonicalization");
  }

  @Test
  void headersBeyondTheSignedOnesAreReported() throws Exception {
    String s = signed(MSG, RSA, rsa2048);
    // Prepending a second From keeps the signature valid (the bottom one is signed), but is flagged.
    DkimResult r = verify("From: ceo@example.com\r\n" + s);
    assertThat(r.status()).isEqualTo(Status.PASS);
    assertThat(r.unsignedDuplicates()).containsExactly("from");
    assertThat(r.weak()).isTrue();
    // Over-signing From (listed twice, present once) makes adding one break the signature.
    String over = signed(MSG, "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=rsa; h=from:from:subject", rsa2048);
    assertThat(verify(over).status()).isEqualTo(Status.PASS);
    String added = over.replace("Subject: hi\r\n", "Subject: hi\r\nFrom: ceo@example.com\r\n");
    assertThat(verify(added).status()).isEqualTo(Status.FAIL);
  }

  @Test
  void unsignedMessageHasNoResults() {
    assertThat(new DkimVerifier(dns()).verify(MSG.getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
    assertThat(DkimResult.noneAuthResults()).isEqualTo("dkim=none");
  }

  @Test
  void headerBPrefixesAreMadeUnique() throws Exception {
    String s = signed(MSG, RSA, rsa2048);
    String field = s.substring(0, s.indexOf("\r\nFrom:") + 2);
    // The same signature twice (e.g. a forwarder re-adding it) gets the same prefix; two signatures
    // that differ only late in b= get prefixes long enough to tell them apart.
    int b = field.indexOf("b=", field.indexOf("bh=") + 3) + 2;
    String twin = field.substring(0, b + 20) + (field.charAt(b + 20) == 'A' ? 'B' : 'A') + field.substring(b + 21);
    List<DkimResult> r = new DkimVerifier(dns(), DkimPolicy.DEFAULT, CLOCK)
        .verify((twin + s).getBytes(StandardCharsets.ISO_8859_1));
    assertThat(r.get(0).headerB()).hasSize(21);
    assertThat(r.get(1).headerB()).hasSize(21).isNotEqualTo(r.get(0).headerB());
    assertThat(r.get(1).status()).isEqualTo(Status.PASS);
  }
}
