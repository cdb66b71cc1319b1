package dev.postamt.im2000;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.dns.ZoneFileResolver;
import dev.postamt.mailauth.dkim.DkimKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request signature, the advertisement record and the notification format, each alone. */
class SignaturesTest {
  @TempDir Path dir;

  private record Signer(DkimKeys.Generated key, ZoneFileResolver dns) {}

  private Signer signer(String algorithm) throws Exception {
    DkimKeys.Generated g = DkimKeys.generate(dir, "a.test", "im", algorithm);
    return new Signer(g, ZoneFileResolver.parse(g.zoneLine() + "\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "rsa"})
  void aSignatureVerifiesForItsRequestOnly(String algorithm) throws Exception {
    Signer s = signer(algorithm);
    byte[] body = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
    String header = Signatures.sign(s.key().key(), "POST", "/im2000/notify", body);
    assertThat(Signatures.verify(s.dns(), header, "POST", "/im2000/notify", body)).isEqualTo("a.test");
    assertThatThrownBy(() -> Signatures.verify(s.dns(), header, "POST", "/im2000/notify", "{\"v\":2}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(Signatures.Invalid.class).hasMessageContaining("body hash");
    assertThatThrownBy(() -> Signatures.verify(s.dns(), header, "POST", "/im2000/m/x/done?domain=a.test", body))
        .isInstanceOf(Signatures.Invalid.class).hasMessageContaining("does not verify");
    assertThatThrownBy(() -> Signatures.verify(s.dns(), header.replace("d=a.test", "d=b.test"), "POST", "/im2000/notify", body))
        .isInstanceOf(Signatures.Invalid.class).hasMessageContaining("no key at im._domainkey.b.test");
  }

  @Test
  void aKeyOfAnotherDomainDoesNotVerify() throws Exception {
    Signer s = signer("ed25519");
    DkimKeys.Generated other = DkimKeys.generate(dir.resolve("other"), "a.test", "im", "ed25519");
    String header = Signatures.sign(other.key(), "GET", "/im2000/feed?domain=a.test", new byte[0]);
    assertThatThrownBy(() -> Signatures.verify(s.dns(), header, "GET", "/im2000/feed?domain=a.test", new byte[0]))
        .isInstanceOf(Signatures.Invalid.class).hasMessageContaining("does not verify");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "v=1", "v=1; d=a.test; s=im; a=rsa-sha1; bh=AA==; b=AA==", "garbage", "v=2; d=a; s=b; a=c; bh=; b="})
  void malformedHeadersAreRefused(String header) throws Exception {
    Signer s = signer("ed25519");
    assertThatThrownBy(() -> Signatures.verify(s.dns(), header, "POST", "/im2000/notify", new byte[0]))
        .isInstanceOf(Signatures.Invalid.class);
  }

  @Test
  void theAdvertisementNamesAnHttpsNotifyUrl() {
    Advertisement a = Advertisement.parse("v=IM2000; n=https://mx.b.test:8443/im2000/notify").orElseThrow();
    assertThat(a.base().toString()).isEqualTo("https://mx.b.test:8443/im2000/");
    assertThat(Advertisement.parse("v=IM2000; n=http://mx.b.test/im2000/notify")).isEmpty();
    assertThat(Advertisement.parse("v=spf1 -all")).isEmpty();
    assertThat(Advertisement.parse("v=IM2000")).isEmpty();
    assertThat(Advertisement.parse("v=IM2000; n=https://mx.b.test/elsewhere")).isEmpty();
  }

  @Test
  void aNotificationSurvivesItsOwnFormatAndBadOnesAreRefused() {
    String url = "https://mx.a.test/im2000/m/" + "A".repeat(43);
    Notification n = new Notification("Q1", "alice@a.test", List.of("bob@b.test"), 1234, "0".repeat(64), url,
        "Alice <alice@a.test>", "Hi", "Sat, 5 Dec 2026 01:00:00 +0000", "<x@a.test>");
    assertThat(Notification.parse(n.json())).isEqualTo(n);
    assertThat(n.senderDomain()).isEqualTo("a.test");
    for (String bad : List.of("[]", "{\"v\":1}", "not json",
        new String(n.json(), StandardCharsets.UTF_8).replace(url, "https://evil.test/x"),
        new String(n.json(), StandardCharsets.UTF_8).replace("\"Hi\"", "\"Hi\\r\\nBcc: x\""),
        new String(n.json(), StandardCharsets.UTF_8).replace("1234", "-1"))) {
      assertThatThrownBy(() -> Notification.parse(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aStubNamesItsCapabilityUrlAndAMessageDoesNot() {
    String url = "https://mx.a.test/im2000/m/" + "B".repeat(43);
    Notification n = new Notification("Q1", "alice@a.test", List.of("bob@b.test"), 99, "0".repeat(64), url, "", "",
        "", "");
    assertThat(Stub.pullUrl(Stub.of(n, "bob@b.test"))).contains(url);
    assertThat(Stub.pullUrl(("Subject: x\r\n\r\n" + Stub.PULL + ": " + url + "\r\n").getBytes(StandardCharsets.UTF_8)))
        .as("in the body, not the header").isEmpty();
    assertThat(Stub.pullUrl(("Subject: x\r\n" + Stub.PULL + ": " + url + "\r\n\r\n").getBytes(StandardCharsets.UTF_8)))
        .as("not the first field: not a stub").isEmpty();
  }
}
