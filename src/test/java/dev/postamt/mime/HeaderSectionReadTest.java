package dev.postamt.mime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HeaderSection#read} in blocks (a markable stream), byte by byte (any other) and {@link
 * HeaderSection#parse} give the same fields and leave the stream at the same first body byte, on random
 * messages made of the bytes that matter (CR, LF, SP, TAB, colon) and on header sections around the size
 * limit.
 */
class HeaderSectionReadTest {
  private static final byte[] ALPHABET = "ab:\r\n\n \t\u00e9".getBytes(StandardCharsets.ISO_8859_1);

  /** A stream that does not support mark: HeaderSection reads it byte by byte. */
  private static InputStream unmarkable(byte[] b) {
    return new FilterInputStream(new ByteArrayInputStream(b)) {
      @Override
      public boolean markSupported() {
        return false;
      }
    };
  }

  private static void same(byte[] message, int bufferSize) throws IOException {
    InputStream plain = unmarkable(message);
    HeaderSection expected = HeaderSection.read(plain);
    byte[] restExpected = plain.readAllBytes();
    InputStream buffered = new BufferedInputStream(new ByteArrayInputStream(message), bufferSize);
    HeaderSection got = HeaderSection.read(buffered);
    assertEquals(expected.fields(), got.fields());
    assertArrayEquals(restExpected, buffered.readAllBytes());
    InputStream bytes = new ByteArrayInputStream(message);
    assertEquals(expected.fields(), HeaderSection.read(bytes).fields());
    assertArrayEquals(restExpected, bytes.readAllBytes());
    assertEquals(expected.fields(), HeaderSection.parse(message).fields());
  }

  @Test
  void randomMessagesReadAlikeEveryWay() throws IOException {
    Random r = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      byte[] m = new byte[r.nextInt(120)];
      for (int j = 0; j < m.length; j++) {
        m[j] = ALPHABET[r.nextInt(ALPHABET.length)];
      }
      same(m, 1 + r.nextInt(40));
    }
  }

  @Test
  void realisticMessagesWithLongHeaders() throws IOException {
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      h.append("Received: from host").append(i).append(" by relay\r\n\tfor <a@b>; Mon, 1 Jan 2024 00:00:00 +0000\r\n");
    }
    byte[] m = (h + "Subject: x\r\n\r\nbody\r\nline 2\r\n").getBytes(StandardCharsets.ISO_8859_1);
    same(m, 512);
    same(m, 8192);
    HeaderSection s = HeaderSection.read(new BufferedInputStream(new ByteArrayInputStream(m), 512));
    assertEquals(401, s.fields().size());
    assertEquals(" x", s.fields().getLast().value());
  }

  @Test
  void theLimitHoldsTheSameWay() throws IOException {
    byte[] atLimit = ("X: " + "y".repeat(HeaderSection.MAX_BYTES - 7) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(HeaderSection.MAX_BYTES, atLimit.length);
    same(atLimit, 8192); // the empty line's LF is the last byte allowed
    byte[] over = ("X: " + "y".repeat(HeaderSection.MAX_BYTES - 6) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    assertThrows(HeaderSection.TooLargeException.class, () -> HeaderSection.read(unmarkable(over)));
    assertThrows(HeaderSection.TooLargeException.class,
        () -> HeaderSection.read(new BufferedInputStream(new ByteArrayInputStream(over))));
    assertThrows(IllegalArgumentException.class, () -> HeaderSection.parse(over));
    byte[] noEnd = ("X: " + "y".repeat(HeaderSection.MAX_BYTES)).getBytes(StandardCharsets.ISO_8859_1);
    assertThrows(HeaderSection.TooLargeException.class,
        () -> HeaderSection.read(new BufferedInputStream(new ByteArrayInputStream(noEnd))));
  }
}
