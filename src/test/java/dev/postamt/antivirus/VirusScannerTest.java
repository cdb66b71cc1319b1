package dev.postamt.antivirus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.Clamd;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict on whole messages. clamd runs with {@code ScanMail no}: it does not decode mail itself,
 * so what an encoded part hides is found only by our own decoding of each part.
 */
class VirusScannerTest {
  static final long LIMIT = 2L << 20;
  @TempDir static Path dir;
  static Clamd clamd;
  static VirusScanner scanner;

  @BeforeAll
  static void start() throws Exception {
    clamd = Clamd.start(dir, false, "2M");
    scanner = new VirusScanner(new ClamdClient(clamd.unix(), Duration.ofSeconds(30), 2), LIMIT);
  }

  @AfterAll
  static void stop() throws Exception {
    if (clamd != null) {
      clamd.close();
    }
  }

  static Supplier<InputStream> message(String m) {
    byte[] b = m.getBytes(StandardCharsets.ISO_8859_1);
    return () -> new ByteArrayInputStream(b);
  }

  static String multipart(String secondPartHeaders, String secondPartBody) {
    return "From: a@example.org\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n"
        + "--b1\r\n" + secondPartHeaders + "\r\n" + secondPartBody + "\r\n--b1--\r\n";
  }

  static String base64Lines(byte[] data) {
    return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data);
  }

  @Test
  void eicarInAPlainBodyIsFoundInTheMessage() {
    var v = scanner.scan(message("Subject: x\r\n\r\n" + Clamd.EICAR + "\r\n"));
    assertThat(v).isInstanceOfSatisfying(VirusScanner.Verdict.Infected.class, i -> {
      assertThat(i.name()).startsWith("Postamt.Test.EicarText");
      assertThat(i.where()).isEqualTo("message");
      assertThat(i.version()).startsWith("ClamAV ");
    });
  }

  @Test
  void eicarInABase64AttachmentIsFoundInItsDecodedPart() {
    String m = multipart(
        "Content-Type: application/octet-stream; name=\"eicar.com\"\r\nContent-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"eicar.com\"\r\n",
        base64Lines(Clamd.EICAR.getBytes(StandardCharsets.ISO_8859_1)));
    assertThat(m).doesNotContain("EICAR-STANDARD");
    var v = scanner.scan(message(m));
    assertThat(v).isInstanceOfSatisfying(VirusScanner.Verdict.Infected.class, i -> {
      assertThat(i.name()).startsWith("Postamt.Test.Eicar"); // by hash: exactly the 68 bytes, decoded
      assertThat(i.where()).isEqualTo("part 2 \"eicar.com\"");
    });
  }

  @Test
  void aQuotedPrintablePartIsDecodedToo() {
    String encoded = Clamd.MARKER.replace("-", "=2D").replace("7f3a", "7f=\r\n3a");
    String m = multipart("Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n", encoded);
    assertThat(m).doesNotContain(Clamd.MARKER);
    assertThat(scanner.scan(message(m))).isInstanceOf(VirusScanner.Verdict.Infected.class);
  }

  @Test
  void aCleanMultiMegabyteAttachmentIsClean() {
    byte[] data = new byte[1_500_000];
    new java.util.Random(7).nextBytes(data);
    String m = multipart("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n", base64Lines(data));
    assertThat(scanner.scan(message(m))).isInstanceOfSatisfying(VirusScanner.Verdict.Clean.class,
        c -> assertThat(c.partial()).isZero());
  }

  @Test
  void aMessageOverTheLimitIsScannedPartByPartAndMarkedPartial() {
    String filler = "x".repeat(998) + "\r\n";
    String big = filler.repeat((int) (LIMIT / 1000) + 100); // a 7bit part longer than the limit
    String m = "From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain\r\n\r\n" + big
        + "--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64Lines(Clamd.MARKER.getBytes(StandardCharsets.US_ASCII)) + "\r\n--b1--\r\n";
    // the raw stream stops at the limit, before the last part: the decoded part still shows the virus
    assertThat(scanner.scan(message(m))).isInstanceOf(VirusScanner.Verdict.Infected.class);

    String clean = m.replace(base64Lines(Clamd.MARKER.getBytes(StandardCharsets.US_ASCII)), "aGVsbG8=");
    assertThat(scanner.scan(message(clean))).isInstanceOfSatisfying(VirusScanner.Verdict.Clean.class,
        c -> assertThat(c.partial()).isEqualTo(2)); // the raw message and the big part: both cut
  }

  @Test
  void noClamdGivesUnavailableNeverClean() {
    VirusScanner none = new VirusScanner(new ClamdClient("unix:" + dir.resolve("none.sock"), Duration.ofSeconds(2), 1), LIMIT);
    var v = none.scan(message("Subject: x\r\n\r\nhello\r\n"));
    assertThat(v).isInstanceOf(VirusScanner.Verdict.Unavailable.class);
    assertThat(none.unavailableCount()).isEqualTo(1);
  }

  @Test
  void aReloadKeepsTheScannerWhileAntivirusIsUnchangedAndClosesTheOldPoolWhenItChanges() {
    Object server = new Object();
    var av = new dev.postamt.config.Antivirus(clamd.unix(), "tempfail", "reject", Duration.ofSeconds(30), LIMIT, 4, true, false);
    VirusScanner first = VirusScanner.forOwner(server, av);
    // the submission service of the same server, or a reload that left [antivirus] alone
    assertThat(VirusScanner.forOwner(server, av)).isSameAs(first);
    assertThat(VirusScanner.forOwner(new Object(), av)).isNotSameAs(first); // another server has its own
    assertThat(first.scan(message("Subject: x\r\n\r\nclean\r\n"))).isInstanceOf(VirusScanner.Verdict.Clean.class);
    assertThat(first.idleSessions()).isEqualTo(1);

    var changed = new dev.postamt.config.Antivirus(clamd.unix(), "tempfail", "quarantine", Duration.ofSeconds(30), LIMIT, 4, true, false);
    VirusScanner second = VirusScanner.forOwner(server, changed);
    assertThat(second).isNotSameAs(first);
    assertThat(first.idleSessions()).isZero();
    // a session that started before the reload still gets its answer, on a connection not kept
    assertThat(first.scan(message("Subject: x\r\n\r\n" + Clamd.EICAR + "\r\n"))).isInstanceOf(VirusScanner.Verdict.Infected.class);
    assertThat(first.idleSessions()).isZero();
    assertThat(second.scan(message("Subject: x\r\n\r\nclean\r\n"))).isInstanceOf(VirusScanner.Verdict.Clean.class);
    assertThat(second.idleSessions()).isEqualTo(1);

    var off = new dev.postamt.config.Antivirus("", "tempfail", "reject", Duration.ofSeconds(30), LIMIT, 4, true, false);
    assertThat(VirusScanner.forOwner(server, off)).isNull();
    assertThat(second.idleSessions()).isZero();
  }
}
