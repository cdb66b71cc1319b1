package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 6238 Appendix B (SHA-1 rows, last six digits) and RFC 4226 Appendix D. */
class TotpTest {
  private static final byte[] KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @Test
  void hotpMatchesRfc4226AppendixD() {
    String[] want = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"};
    for (int i = 0; i < want.length; i++) {
      assertThat(Totp.code(KEY, i)).as("counter " + i).isEqualTo(want[i]);
    }
  }

  @Test
  void totpMatchesRfc6238AppendixB() {
    String secret = Totp.encodeBase32(KEY);
    assertThat(secret).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assertThat(Totp.code(secret, Instant.ofEpochSecond(59))).isEqualTo("287082");
    assertThat(Totp.code(secret, Instant.ofEpochSecond(1111111109))).isEqualTo("081804");
    assertThat(Totp.code(secret, Instant.ofEpochSecond(1234567890))).isEqualTo("005924");
    assertThat(Totp.code(secret, Instant.ofEpochSecond(2000000000))).isEqualTo("279037");
  }

  @Test
  void oneStepOfDriftIsAcceptedTwoAreNot() {
    String secret = Totp.newSecret();
    Instant now = Instant.ofEpochSecond(1_800_000_015);
    assertThat(Totp.verify(secret, Totp.code(secret, now.minusSeconds(30)), now)).isTrue();
    assertThat(Totp.verify(secret, Totp.code(secret, now.plusSeconds(30)), now)).isTrue();
    String old = Totp.code(secret, now.minusSeconds(90));
    assertThat(Totp.verify(secret, old, now)).isEqualTo(old.equals(Totp.code(secret, now))
        || old.equals(Totp.code(secret, now.minusSeconds(30))) || old.equals(Totp.code(secret, now.plusSeconds(30))));
    assertThat(Totp.verify(secret, "12345", now)).isFalse();
    assertThat(Totp.verify(secret, "abcdef", now)).isFalse();
    assertThat(Totp.decodeBase32("not base32!")).isEmpty();
  }
}
