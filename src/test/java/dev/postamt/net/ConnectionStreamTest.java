package dev.postamt.net;

import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connection's input stream behaves as an InputStream throughout, skip included. */
class ConnectionStreamTest {
  @Test
  void skippedBytesAreConsumedFromTheConnection(@TempDir Path dir) throws Exception {
    try (TestServer t = TestServer.start(dir, "");
        SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO x").read();
      // BDAT before MAIL: the server skips the chunk (InputStream.skipNBytes) and stays in step
      s.raw("BDAT 5\r\nhello").expect("503 *");
      s.send("NOOP").expect("250 *");
    }
  }
}
