package dev.postamt.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.FakeResolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation fuzzing of the parsers and the verifier from a fixed seed: real signed messages with bytes
 * flipped, inserted and cut. They may reject or fail a message, never throw. (Jazzer's {@code @FuzzTest}
 * is in the pom, but Jazzer 0.24 cannot instrument Java 25 class files, so a plain seeded loop is used.)
 */
class DkimFuzzTest {
  static final Path DATA = dev.postamt.mailauth.TestData.dir("dkim/dkimpy");

  @Test
  void mutatedMessagesNeverThrow() throws Exception {
    byte[] seed = DkimVectorsTest.crlf("rfc6376.signed.msg");
    FakeResolver dns = DkimVectorsTest.rfc8463Dns();
    DkimVerifier v = new DkimVerifier(dns, DkimPolicy.DEFAULT, DkimVectorsTest.CLOCK);
    Random rnd = new Random(6376);
    int passes = 0;
    for (int i = 0; i < 500; i++) {
      byte[] m = mutate(seed, rnd);
      List<DkimResult> r = v.verify(m);
      passes += (int) r.stream().filter(DkimResult::passed).count();
      String s = new String(m, 0, Math.min(m.length, 600), StandardCharsets.ISO_8859_1);
      try {
        TagList.parse(s);
      } catch (TagList.SyntaxException expected) {
        // rejected input is fine
      }
      try {
        DkimKeyRecord.parse(s.substring(Math.min(s.length(), 16)));
      } catch (DkimKeyRecord.InvalidException expected) {
        // rejected input is fine
      }
    }
    // Some mutations hit parts nobody signed; most break a signature. Both must have happened.
    assertThat(passes).isBetween(1, 2 * 500 - 1);
  }

  static byte[] mutate(byte[] in, Random rnd) {
    byte[] m = in.clone();
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = rnd.nextInt(m.length);
      switch (rnd.nextInt(4)) {
        case 0 -> m[at] = (byte) rnd.nextInt(256);
        case 1 -> m[at] = "\r\n\t ;=:".getBytes(StandardCharsets.ISO_8859_1)[rnd.nextInt(7)];
        case 2 -> {
          byte[] out = new byte[m.length - 1];
          System.arraycopy(m, 0, out, 0, at);
          System.arraycopy(m, at + 1, out, at, m.length - at - 1);
          m = out.length == 0 ? m : out;
        }
        default -> {
          byte[] out = new byte[m.length + 1];
          System.arraycopy(m, 0, out, 0, at);
          out[at] = (byte) rnd.nextInt(256);
          System.arraycopy(m, at, out, at + 1, m.length - at);
          m = out;
        }
      }
    }
    return m;
  }

  @Test
  void keyRecordsFromTheWild() throws Exception {
    for (String f : List.of("test.txt", "test2.txt", "badk.txt", "badversion.txt", "test_bad.txt", "eximtest.dns")) {
      String s = Files.readString(DATA.resolve(f));
      for (int cut = 0; cut <= s.length(); cut += 7) {
        try {
          DkimKeyRecord.parse(s.substring(0, cut));
        } catch (DkimKeyRecord.InvalidException expected) {
          // rejected input is fine
        }
      }
    }
  }
}
