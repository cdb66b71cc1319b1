package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.Clamd;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The virus check at the end of DATA and BDAT with a real clamd: refusal with the virus named, clean
 * mail (large too) delivered with the headers Sieve reads, clamd dying mid-session (451, nothing lost,
 * mail flows again once it is back), and an authenticated sender told plainly.
 */
class SmtpAntivirusTest {
  @TempDir static Path dir;
  static Clamd clamd;
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    clamd = Clamd.start(Files.createDirectories(dir.resolve("clamd")), true, "30M");
    Files.writeString(Files.createDirectories(dir.resolve("server")).resolve("zone.txt"), "remote.example. MX 10 nohost.remote.example.\n"); // the default [policy] refuses unknown sender domains
    t = TestServer.start(dir.resolve("server"),
        "[relay]\nnetworks = []\n[antivirus]\nclamd = \"" + clamd.unix() + "\"\nmax_size = \"30M\"\ntimeout = \"120s\"\n");
  }

  @AfterAll
  static void stop() throws Exception {
    if (t != null) {
      t.close();
    }
    if (clamd != null) {
      clamd.close();
    }
  }

  static String base64Attachment(String subject, byte[] data, String filename) {
    return "From: <sender@remote.example>\r\nTo: <bob@example.test>\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"xyz\"\r\n\r\n"
        + "--xyz\r\nContent-Type: text/plain\r\n\r\nThe file.\r\n"
        + "--xyz\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"" + filename + "\"\r\n\r\n"
        + Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data)
        + "\r\n--xyz--\r\n";
  }

  private static SmtpScript transaction(String from) throws Exception {
    // a 27 MB scan by clamd can take many seconds while the whole suite runs beside it
    java.net.Socket socket = new java.net.Socket("127.0.0.1", t.port("smtp"));
    SmtpScript s = new SmtpScript(socket);
    socket.setSoTimeout(120_000);
    s.expect("220 *");
    s.send("EHLO client.example").read();
    s.send("MAIL FROM:<" + from + ">").expect("250 *");
    s.send("RCPT TO:<bob@example.test>").expect("250 *");
    return s;
  }

  private static String data(String message) throws Exception {
    try (SmtpScript s = transaction("sender@remote.example")) {
      s.send("DATA").expect("354 *");
      s.raw(message + "\r\n.\r\n");
      return s.read().getLast();
    }
  }

  /** No message of bob's contains {@code text}, checked after a later message has arrived. */
  private static void notDelivered(String text) throws Exception {
    String marker = "after-" + System.nanoTime();
    assertThat(data("Subject: " + marker + "\r\n\r\nclean\r\n")).startsWith("250 ");
    t.awaitMessageContaining("bob@example.test", marker);
    for (String m : t.messageTexts("bob@example.test")) {
      assertThat(m).doesNotContain(text);
    }
  }

  @Test
  void eicarInThePlainBodyIsRefusedWithTheVirusNamed() throws Exception {
    String reply = data("Subject: plain-eicar\r\n\r\n" + Clamd.EICAR + "\r\n");
    assertThat(reply).matches("554 5\\.7\\.0 Virus found: Postamt\\.Test\\.Eicar\\S*");
    notDelivered("plain-eicar");
  }

  @Test
  void eicarAsABase64AttachmentIsRefused() throws Exception {
    String reply = data(base64Attachment("b64-eicar", Clamd.EICAR.getBytes(StandardCharsets.ISO_8859_1), "eicar.com"));
    assertThat(reply).startsWith("554 5.7.0 Virus found: Postamt.Test.");
    notDelivered("b64-eicar");
  }

  static byte[] zip(String name, byte[] content) throws Exception {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(b)) {
      z.putNextEntry(new java.util.zip.ZipEntry(name));
      z.write(content);
      z.closeEntry();
    }
    return b.toByteArray();
  }

  @Test
  void eicarInsideAZipInsideAZipIsRefused() throws Exception {
    byte[] nested = zip("inner.zip", zip("eicar.com", Clamd.EICAR.getBytes(StandardCharsets.ISO_8859_1)));
    String reply = data(base64Attachment("zip-in-zip", nested, "outer.zip"));
    assertThat(reply).startsWith("554 5.7.0 Virus found: Postamt.Test.");
    notDelivered("zip-in-zip");
  }

  @Test
  void eicarSplitAcrossBdatChunksIsRefused() throws Exception {
    String m = "Subject: bdat-eicar\r\n\r\n" + Clamd.EICAR + "\r\n";
    int cut = m.indexOf("EICAR-STANDARD") + 5; // the signature is in neither chunk alone
    String c1 = m.substring(0, cut);
    String c2 = m.substring(cut);
    try (SmtpScript s = transaction("sender@remote.example")) {
      s.raw("BDAT " + c1.length() + "\r\n" + c1).expect("250 *");
      s.raw("BDAT " + c2.length() + " LAST\r\n" + c2).expect("554 5.7.0 Virus found: Postamt.Test.*");
      s.send("NOOP").expect("250 *");
    }
    notDelivered("bdat-eicar");
  }

  @Test
  void aClean20MegabyteAttachmentIsDeliveredWithTheScanHeaders() throws Exception {
    byte[] data = new byte[20 << 20];
    new Random(42).nextBytes(data);
    String m = "X-Virus-Status: clean; forged by the sender\r\n" + base64Attachment("big-clean", data, "data.bin");
    assertThat(data(m)).startsWith("250 2.0.0 ");
    String delivered = t.awaitMessageContaining("bob@example.test", "Subject: big-clean");
    assertThat(delivered).containsPattern("X-Virus-Scanned: Postamt \\(clamd ClamAV 1\\.[^)]*\\)\r\n");
    assertThat(delivered).contains("X-Virus-Status: clean\r\n").doesNotContain("forged by the sender");
    assertThat(delivered.length()).isGreaterThan(27 << 20);
  }

  @Test
  void clamdDyingMidSessionDefersWithoutLossAndMailFlowsWhenItIsBack() throws Exception {
    String m = "Subject: while-clamd-down\r\n\r\nhello\r\n";
    try (SmtpScript s = transaction("sender@remote.example")) {
      clamd.kill();
      try {
        s.send("DATA").expect("354 *");
        s.raw(m + ".\r\n").expect("451 4.7.1 Virus scanner unavailable, try again later");
        try (Stream<Path> left = Files.list(t.config.dataDir().resolve("queue/incoming"))) {
          assertThat(left).isEmpty(); // nothing acknowledged, nothing kept: the client still has it
        }
      } finally {
        clamd.startProcess();
      }
      // the client retries (here in the same session) and the message is delivered
      s.send("MAIL FROM:<sender@remote.example>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(m + ".\r\n").expect("250 2.0.0 *");
    }
    assertThat(t.awaitMessageContaining("bob@example.test", "Subject: while-clamd-down")).contains("X-Virus-Status: clean");
    assertThat(data("Subject: x\r\n\r\n" + Clamd.EICAR + "\r\n")).startsWith("554 5.7.0 ");
  }

  @Test
  void anAuthenticatedSenderIsToldTheMessageWasNotSent() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("submission"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      s.send("EHLO client").read();
      String plain = Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8));
      s.send("AUTH PLAIN " + plain).expect("235 *");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<someone@elsewhere.example>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(base64Attachment("outbound", Clamd.EICAR.getBytes(StandardCharsets.ISO_8859_1), "x.com") + "\r\n.\r\n")
          .expect("554 5.7.0 Virus found: Postamt.Test.*; your message was not sent, check your device");
    }
  }
}
