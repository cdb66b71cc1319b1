package dev.postamt.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Quoted-printable decoded a block at a time gives what the byte-by-byte decoder gave, however it is read. */
class TransferDecodingTest {
  @Test
  void quotedPrintableAsBefore() throws IOException {
    Random rnd = new Random(2045);
    String[] pieces = {"=", "=3D", "=3d", "=C3=A4", "=\r\n", "=\n", "=\r", "=G1", "=4", "==41", "a", "b c", "\r\n",
        "\n", " ", "=\u00b2", "=F", "=0A"};
    for (int round = 0; round < 3000; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, n = rnd.nextInt(round % 200 == 0 ? 5000 : 40); i < n; i++) {
        b.append(pieces[rnd.nextInt(pieces.length)]);
      }
      byte[] in = b.toString().getBytes(StandardCharsets.ISO_8859_1);
      byte[] expected = reference(in);
      int chunk = 1 + rnd.nextInt(round % 2 == 0 ? 5 : 9000);
      InputStream source = new ByteArrayInputStream(in) {
        @Override
        public synchronized int read(byte[] buf, int off, int len) {
          return super.read(buf, off, Math.min(len, chunk)); // a source that gives few bytes at a time
        }
      };
      InputStream qp = TransferDecoding.decode(source, "quoted-printable");
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] block = new byte[1 + rnd.nextInt(300)];
      while (true) {
        int n = rnd.nextInt(5) == 0 ? single(qp, block) : qp.read(block, 0, block.length);
        if (n < 0) {
          break;
        }
        got.write(block, 0, n);
      }
      assertThat(got.toByteArray()).as("%s", b).isEqualTo(expected);
    }
    assertThat(TransferDecoding.decode(new ByteArrayInputStream(new byte[0]), "quoted-printable").read()).isEqualTo(-1);
  }

  private static int single(InputStream in, byte[] block) throws IOException {
    int c = in.read();
    if (c < 0) {
      return -1;
    }
    block[0] = (byte) c;
    return 1;
  }

  /** The byte-by-byte decoder as it was (the reference). */
  private static byte[] reference(byte[] data) throws IOException {
    PushbackInputStream in = new PushbackInputStream(new ByteArrayInputStream(data), 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return out.toByteArray();
      }
      if (c != '=') {
        out.write(c);
        continue;
      }
      int a = in.read();
      if (a == '\r') {
        int lf = in.read();
        if (lf != '\n' && lf >= 0) {
          in.unread(lf);
        }
        continue;
      }
      if (a == '\n') {
        continue;
      }
      int b = a < 0 ? -1 : in.read();
      int hi = Character.digit(a, 16);
      int lo = b < 0 ? -1 : Character.digit(b, 16);
      if (hi >= 0 && lo >= 0) {
        out.write(hi << 4 | lo);
        continue;
      }
      if (b >= 0) {
        in.unread(b);
      }
      if (a >= 0) {
        in.unread(a);
      }
      out.write('=');
    }
  }
}
