package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A failing spool (disk full) must not stop DATA from being read to its end. */
class SpoolSinkTest {
  @Test
  void writeErrorsAreRememberedAndTheDataIsStillReadToItsEnd() throws Exception {
    OutputStream diskFull =
        new OutputStream() {
          int n;

          @Override
          public void write(int b) throws IOException {
            if (++n > 5) {
              throw new IOException("No space left on device");
            }
          }
        };
    SpoolSink sink = new SpoolSink(diskFull);
    ByteArrayInputStream in =
        new ByteArrayInputStream("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
    DataReader.Result r = DataReader.read(in, sink, 1000);
    assertThat(sink.failure()).hasMessage("No space left on device");
    assertThat(r.size()).isEqualTo(20);
    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("QUIT\r\n");
  }
}
