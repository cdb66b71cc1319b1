package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our Argon2id gives Bouncy Castle's results, byte for byte, over a spread of parameters and inputs. */
class Argon2idTest {

  private static byte[] bouncyCastle(byte[] pw, byte[] salt, int memory, int passes, int lanes, int len) {
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memory)
        .withIterations(passes)
        .withParallelism(lanes)
        .withSalt(salt)
        .build());
    byte[] out = new byte[len];
    g.generateBytes(pw, out);
    return out;
  }

  @ParameterizedTest
  @CsvSource({
    // memory KiB, passes, lanes, output bytes, password bytes, salt bytes
    "8, 1, 1, 32, 0, 8",
    "16, 1, 1, 4, 5, 16",
    "33, 3, 1, 64, 13, 16",
    "64, 2, 2, 65, 20, 16",
    "100, 2, 3, 100, 1, 11",
    "256, 1, 4, 32, 40, 32",
    "1024, 2, 1, 32, 8, 16",
    "2048, 4, 1, 1024, 64, 16",
    "19456, 2, 1, 32, 14, 16",
  })
  void matchesBouncyCastle(int memory, int passes, int lanes, int len, int pwLen, int saltLen) {
    Random rnd = new Random(memory * 31L + passes * 7L + lanes);
    for (int k = 0; k < 2; k++) { // the second time with pooled memory
      byte[] pw = new byte[pwLen];
      byte[] salt = new byte[saltLen];
      rnd.nextBytes(pw);
      rnd.nextBytes(salt);
      assertThat(Argon2id.hash(pw, salt, memory, passes, lanes, len))
          .isEqualTo(bouncyCastle(pw, salt, memory, passes, lanes, len));
    }
  }

  /** Spare arrays are reused while checks come, and all dropped once none came for a while. */
  @Test
  void spareArraysAreReusedThenDroppedWhenIdle() throws Exception {
    Argon2id.Spares kept = new Argon2id.Spares(2, Duration.ofHours(1));
    long[] a = kept.take(1024);
    kept.giveBack(a);
    assertThat(kept.kept()).isEqualTo(1);
    assertThat(kept.take(1024) == a).as("the spare array reused").isTrue();

    Argon2id.Spares dropped = new Argon2id.Spares(2, Duration.ofMillis(50));
    long[] b = dropped.take(1024);
    dropped.giveBack(b);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (dropped.kept() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5); // polling a condition, bounded by the deadline
    }
    assertThat(dropped.kept()).as("arrays kept after the idle time").isZero();
    assertThat(dropped.take(1024) == b).as("a new array after the idle time").isFalse();
  }
}
