package dev.postamt.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6376 §3.4 canonicalization, including the §3.4.5 example, fed whole and byte by byte. */
class DkimCanonicalizationTest {

  static String body(String in, boolean relaxed, long limit, boolean byteByByte) {
    CapturingDigest d = new CapturingDigest();
    BodyHasher h = new BodyHasher(d, relaxed, limit);
    byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
    if (byteByByte) {
      for (byte x : b) {
        h.write(x);
      }
    } else {
      h.write(b, 0, b.length);
    }
    h.finish();
    return d.seen.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void rfc6376Section345Example() {
    String headers = "A: X\r\nB : Y\t\r\n\tZ  \r\n";
    String body = " C \r\nD \t E\r\n\r\n\r\n";
    String relaxedHeaders = Canonicalization.RELAXED.header("A: X\r\n") + Canonicalization.RELAXED.header("B : Y\t\r\n\tZ  \r\n");
    assertThat(relaxedHeaders).isEqualTo("a:X\r\nb:Y Z\r\n");
    assertThat(Canonicalization.SIMPLE.header("B : Y\t\r\n\tZ  \r\n")).isEqualTo("B : Y\t\r\n\tZ  \r\n");
    for (boolean bytewise : new boolean[] {false, true}) {
      assertThat(body(body, true, -1, bytewise)).isEqualTo(" C\r\nD E\r\n");
      assertThat(body(body, false, -1, bytewise)).isEqualTo(" C \r\nD \t E\r\n");
    }
    assertThat(headers).isNotEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    // input | simple | relaxed   (\r and \n written as ~ and ^ to keep the table readable)
    "''          | ~^       | ''",
    "~^          | ~^       | ''",
    "~^~^~^      | ~^       | ''",
    "abc         | abc~^    | abc~^",
    "abc~^~^     | abc~^    | abc~^",
    "a  b \t~^   | a  b \t~^ | a b~^",
    "' ~^x'      | ' ~^x~^' | ~^x~^",
    "a^b^        | a~^b~^   | a~^b~^",
    "a~b~^       | a~b~^    | a~b~^",
    "a~          | a~~^     | a~~^",
    "~^a~^  ~^   | ~^a~^  ~^ | ~^a~^",
  })
  void bodies(String in, String simple, String relaxed) {
    String i = unescape(in);
    assertThat(body(i, false, -1, false)).as("simple").isEqualTo(unescape(simple));
    assertThat(body(i, true, -1, false)).as("relaxed").isEqualTo(unescape(relaxed));
    assertThat(body(i, false, -1, true)).as("simple bytewise").isEqualTo(unescape(simple));
    assertThat(body(i, true, -1, true)).as("relaxed bytewise").isEqualTo(unescape(relaxed));
  }

  static String unescape(String s) {
    return s.replace('~', '\r').replace('^', '\n');
  }

  @Test
  void lengthLimitCutsTheCanonicalBody() {
    assertThat(body("Hello world\r\nmore\r\n", false, 5, false)).isEqualTo("Hello");
    assertThat(body("Hello world\r\n", false, 0, false)).isEmpty();
  }

  @Test
  void knownEmptyBodyHashes() {
    // RFC 6376 §3.4.3/§3.4.4: SHA-256 of "\r\n" (simple) and of "" (relaxed).
    BodyHasher simple = new BodyHasher(HeaderHash.digest("SHA-256"), false, -1);
    assertThat(Base64.getEncoder().encodeToString(simple.finish())).isEqualTo("frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
    BodyHasher relaxed = new BodyHasher(HeaderHash.digest("SHA-256"), true, -1);
    assertThat(Base64.getEncoder().encodeToString(relaxed.finish())).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  }

  @Test
  void relaxedHeaders() {
    assertThat(Canonicalization.RELAXED.header("SUBJECT :  Hello\r\n   World \t\r\n")).isEqualTo("subject:Hello World\r\n");
    assertThat(Canonicalization.RELAXED.header("X-Empty:\r\n")).isEqualTo("x-empty:\r\n");
    assertThat(Canonicalization.RELAXED.header("X-Utf8: Grüße\r\n")).isEqualTo("x-utf8:Grüße\r\n");
  }

  @Test
  void blocksOfAnySizeCanonicalizeAsByteByByte() {
    java.util.Random rnd = new java.util.Random(6376);
    String alphabet = "ab \t\r\n\r\nxyz \u00e9";
    for (int round = 0; round < 3000; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, n = rnd.nextInt(round % 100 == 0 ? 20_000 : 200); i < n; i++) {
        b.append(rnd.nextInt(4) == 0 ? "plain text run " : String.valueOf(alphabet.charAt(rnd.nextInt(alphabet.length()))));
      }
      byte[] in = b.toString().getBytes(StandardCharsets.ISO_8859_1);
      boolean relaxed = rnd.nextBoolean();
      long limit = rnd.nextInt(3) == 0 ? rnd.nextInt(in.length + 5) : -1;
      String expected = body(b.toString(), relaxed, limit, true);
      CapturingDigest d = new CapturingDigest();
      BodyHasher h = new BodyHasher(d, relaxed, limit);
      for (int at = 0; at < in.length; ) {
        int n = Math.min(in.length - at, 1 + rnd.nextInt(round % 2 == 0 ? 9000 : 40)); // blocks as a stream gives them
        h.write(in, at, n);
        at += n;
      }
      h.finish();
      assertThat(d.seen.toString(StandardCharsets.ISO_8859_1)).as("round %d", round).isEqualTo(expected);
      BodyHasher whole = new BodyHasher(new CapturingDigest(), relaxed, limit);
      whole.write(in, 0, in.length);
      whole.finish();
      BodyHasher bytes = new BodyHasher(new CapturingDigest(), relaxed, limit);
      for (byte x : in) {
        bytes.write(x);
      }
      bytes.finish();
      assertThat(whole.canonicalLength()).isEqualTo(bytes.canonicalLength());
    }
  }

  /** A MessageDigest that records what it was fed. */
  static final class CapturingDigest extends java.security.MessageDigest {
    final java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();

    CapturingDigest() {
      super("capture");
    }

    @Override
    protected void engineUpdate(byte input) {
      seen.write(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
      seen.write(input, offset, len);
    }

    @Override
    protected byte[] engineDigest() {
      return new byte[0];
    }

    @Override
    protected void engineReset() {}
  }
}
