package dev.postamt.mailauth.arc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.AuthenticationResults;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mailauth.dkim.TagList;
import dev.postamt.mailauth.dkim.DkimAlgorithm;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.mailauth.dkim.SigningKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ValiMail ARC signing suite (arc-draft-sign-tests.yml): seal each message with the suite's key,
 * time and header list, and compare our AAR, AMS and AS with the expected ones tag by tag (signatures
 * included: RSA PKCS#1 v1.5 is deterministic). The AAR is made as the suite's harness does, from the
 * message's Authentication-Results fields of the given authserv-id, with the chain status taken from
 * their arc= result.
 */
class ArcSigningSuiteTest {
  static List<ArcSuite.Case> cases() throws IOException {
    return ArcSuite.load("arc-draft-sign-tests.yml");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void seals(ArcSuite.Case c) throws Exception {
    Map<String, Object> doc = c.document();
    SigningKey key = new SigningKey(doc.get("domain").toString(), doc.get("sel").toString(), DkimAlgorithm.RSA_SHA256,
        DkimKeys.readPrivateKey(doc.get("privatekey").toString(), null), null);
    Clock clock = Clock.fixed(Instant.ofEpochSecond(Long.parseLong(c.text("t").strip())), ZoneOffset.UTC);
    byte[] message = c.message();
    String srvId = c.text("srv-id").strip();
    List<String> resinfos = new ArrayList<>();
    for (HeaderSection.Field f : HeaderSection.parse(message).all("Authentication-Results")) {
      AuthenticationResults.Parsed p = AuthenticationResults.parse(f.value());
      if (p.authservId().equals(srvId)) {
        resinfos.addAll(p.resinfos());
      }
    }
    ArcResult.Status cv = ArcResult.Status.NONE;
    for (String r : resinfos) {
      if (r.startsWith("arc=")) {
        cv = ArcResult.Status.valueOf(r.substring(4).split("[ ;(]")[0].toUpperCase(java.util.Locale.ROOT));
      }
    }
    int instances = HeaderSection.parse(message).count(ArcChain.AS);
    ArcResult incoming = new ArcResult(cv, "", instances, null);
    List<String> headers = List.of(c.text("sig-headers").strip().split(":"));
    Optional<String> sealed = new ArcSealer(key, clock).seal(message, srvId, resinfos, incoming, headers);

    if (c.text("AS").isBlank()) {
      assertThat(sealed).as("no set may be added").isEmpty();
      return;
    }
    assertThat(sealed).isPresent();
    HeaderSection ours = HeaderSection.parse((sealed.get() + "\r\n").getBytes(StandardCharsets.UTF_8));
    assertThat(ours.fields()).extracting(HeaderSection.Field::name).containsExactly(ArcChain.AS, ArcChain.AMS, ArcChain.AAR);
    assertThat(tags(ours.all(ArcChain.AMS).getFirst().value())).as("AMS").isEqualTo(tags(c.text("AMS")));
    assertThat(squeeze(ours.all(ArcChain.AAR).getFirst().value())).as("AAR").isEqualTo(squeeze(c.text("AAR")));
    assertThat(tags(ours.all(ArcChain.AS).getFirst().value())).as("AS").isEqualTo(tags(c.text("AS")));

    // And the sealed message validates, unless the chain it came with was already broken. (The suite's
    // incoming chains in i1_base and i2_base were sealed over unbroken AMS b= values but are shown
    // folded, so they do not validate anywhere; see ArcSealer.withSignature.)
    ArcResult before = new ArcVerifier(c.dns()).verify(message);
    byte[] out = (sealed.get() + new String(message, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    ArcResult check = new ArcVerifier(c.dns()).verify(out);
    assertThat(check.status()).as(check.toString())
        .isEqualTo(cv == ArcResult.Status.FAIL || before.status() == ArcResult.Status.FAIL
            ? ArcResult.Status.FAIL : ArcResult.Status.PASS);
  }

  static Map<String, String> tags(String value) throws TagList.SyntaxException {
    TagList t = TagList.parse(ArcSuite.crlf(value.strip()).replace("\r\n", "\r\n "));
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : t.names()) {
      out.put(n, TagList.withoutWhiteSpace(t.get(n).orElseThrow()));
    }
    return out;
  }

  static String squeeze(String s) {
    return s.replaceAll("\\s+", " ").strip();
  }
}
