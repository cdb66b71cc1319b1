package dev.postamt.mailauth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.AuthenticationResults;
import dev.postamt.mailauth.FakeResolver;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.mailauth.dkim.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealing across several hops with our own keys, and what breaks a chain. */
class ArcSealerTest {
  @TempDir Path data;

  static final String MSG = "From: ann@origin.example\r\nTo: list@lists.example\r\nSubject: hello\r\n"
      + "Date: Mon, 23 Nov 2026 19:00:00 +0000\r\nMessage-ID: <1@origin.example>\r\n\r\nHi all.\r\n";

  @Test
  void threeHopsPassAndTamperingFails() throws Exception {
    DkimKeys.Generated k1 = DkimKeys.generate(data, "lists.example", "arc", "rsa");
    DkimKeys.Generated k2 = DkimKeys.generate(data, "forwarder.example", "arc", "rsa");
    DkimKeys.Generated k3 = DkimKeys.generate(data, "third.example", "arc", "ed25519");
    FakeResolver dns = new FakeResolver().txt(k1.dnsName(), k1.txt()).txt(k2.dnsName(), k2.txt()).txt(k3.dnsName(), k3.txt());
    ArcVerifier verifier = new ArcVerifier(dns);

    String m = MSG;
    int hop = 0;
    for (SigningKey key : List.of(k1.key(), k2.key(), k3.key())) {
      hop++;
      ArcResult incoming = verifier.verify(m.getBytes(StandardCharsets.UTF_8));
      assertThat(incoming.status()).isEqualTo(hop == 1 ? ArcResult.Status.NONE : ArcResult.Status.PASS);
      String sealed = new ArcSealer(key, Clock.systemUTC())
          .seal(m.getBytes(StandardCharsets.UTF_8), key.domain(), List.of(incoming.authResults(), "spf=pass smtp.mailfrom=origin.example"), incoming, null)
          .orElseThrow();
      assertThat(sealed).startsWith("ARC-Seal: a=").containsPattern(";\\s+cv=" + (hop == 1 ? "none" : "pass") + ";");
      // A list adds its footer after sealing would break the AMS, so it seals last: here we only prepend.
      m = sealed + m;
    }
    ArcResult r = verifier.verify(m.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(ArcResult.Status.PASS);
    assertThat(r.instances()).isEqualTo(3);
    assertThat(r.authResults()).isEqualTo("arc=pass (i=3 d=third.example)");

    // The newest AMS covers the body: a changed body fails the chain.
    assertThat(verifier.verify(m.replace("Hi all.", "Hi there.").getBytes(StandardCharsets.UTF_8)).status())
        .isEqualTo(ArcResult.Status.FAIL);
    // Changing an older AAR breaks the chain.
    assertThat(verifier.verify(m.replace("i=1; lists.example", "i=1; evil.example").getBytes(StandardCharsets.UTF_8)).reason())
        .isEqualTo("AMS i=3: signature did not verify"); // AMS 3 signs the bottom-most AAR, i=1
    // Removing a set breaks the structure.
    StringBuilder noSecond = new StringBuilder();
    int removed = 0;
    for (var f : dev.postamt.mime.HeaderSection.parse(m.getBytes(StandardCharsets.UTF_8)).fields()) {
      boolean second = f.name().startsWith("ARC-") && f.value().replaceAll("\\s+", "").matches("(?s)(.*;)?i=2;.*");
      removed += second ? 1 : 0;
      noSecond.append(second ? "" : f.raw());
    }
    noSecond.append("\r\n").append(m.substring(m.indexOf("\r\n\r\n") + 4));
    assertThat(removed).isEqualTo(3);
    assertThat(verifier.verify(noSecond.toString().getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(ArcResult.Status.FAIL);
  }

  @Test
  void aFailedChainIsSealedOnceWithCvFailThenNoMore() throws Exception {
    DkimKeys.Generated k = DkimKeys.generate(data, "lists.example", "arc", "rsa");
    FakeResolver dns = new FakeResolver().txt(k.dnsName(), k.txt());
    ArcSealer sealer = new ArcSealer(k.key(), Clock.systemUTC());
    String once = sealer.seal(MSG.getBytes(StandardCharsets.UTF_8), "lists.example", List.of("arc=none"), ArcResult.NONE, null).orElseThrow() + MSG;
    String broken = once.replace("Hi all.", "Changed.");
    ArcResult incoming = new ArcVerifier(dns).verify(broken.getBytes(StandardCharsets.UTF_8));
    assertThat(incoming.status()).isEqualTo(ArcResult.Status.FAIL);
    String twice = sealer.seal(broken.getBytes(StandardCharsets.UTF_8), "lists.example", List.of(incoming.authResults()), incoming, null).orElseThrow() + broken;
    assertThat(twice).containsPattern("cv=fail;\\s+d=lists.example;\\s+i=2;");
    assertThat(new ArcVerifier(dns).verify(twice.getBytes(StandardCharsets.UTF_8)).reason()).isEqualTo("newest seal has cv=fail");
    assertThat(sealer.seal(twice.getBytes(StandardCharsets.UTF_8), "lists.example", List.of("arc=fail"), incoming, null)).isEmpty();
  }

  @Test
  void authenticationResultsFieldAndParsing() {
    String f = AuthenticationResults.header("mx.example", List.of("dkim=pass header.d=a.example", "arc=none"));
    assertThat(f).isEqualTo("Authentication-Results: mx.example;\r\n\tdkim=pass header.d=a.example;\r\n\tarc=none\r\n");
    assertThat(AuthenticationResults.header("mx.example", List.of())).isEqualTo("Authentication-Results: mx.example; none\r\n");
    AuthenticationResults.Parsed p = AuthenticationResults.parse(" (c) mx.example (x; y) 1; spf=pass (a;b) smtp.mailfrom=x;\r\n dkim=none ");
    assertThat(p.authservId()).isEqualTo("mx.example");
    assertThat(p.resinfos()).containsExactly("spf=pass (a;b) smtp.mailfrom=x", "dkim=none");
  }
}
