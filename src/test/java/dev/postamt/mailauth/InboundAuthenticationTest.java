package dev.postamt.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.dns.ZoneFileResolver;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.mailauth.dkim.DkimResult;
import dev.postamt.mailauth.dkim.DkimVerifier;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbound authentication stage end to end: SPF, DKIM, DMARC and iprev in an
 * Authentication-Results field on port 25, forged fields removed, DMARC p=reject refused, and DKIM
 * signing of submitted mail, all with DNS from a zone file.
 */
class InboundAuthenticationTest {
  @TempDir static Path dir;
  static TestServer t;
  static String dkimRecord;

  @BeforeAll
  static void start() throws Exception {
    dkimRecord = DkimKeys.generate(dir.resolve("data"), "example.test", "s1", "rsa").zoneLine();
    Files.writeString(
        dir.resolve("zone.txt"),
        """
        outside.example.          IN TXT "v=spf1 ip4:127.0.0.1 -all"
        _dmarc.outside.example.   IN TXT "v=DMARC1; p=none"
        strict.example.           IN TXT "v=spf1 ip4:192.0.2.1 -all"
        _dmarc.strict.example.    IN TXT "v=DMARC1; p=reject"
        1.0.0.127.in-addr.arpa.   IN PTR client.outside.example.
        client.outside.example.   IN A   127.0.0.1
        """
            + dkimRecord
            + "\n");
    t = TestServer.start(dir);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static void send(int port, String from, String to, String message, String expect) throws Exception {
    try (SmtpScript s = SmtpScript.connect(port)) {
      s.expect("220 *");
      s.send("EHLO client.outside.example").read();
      s.send("MAIL FROM:<" + from + ">").expect("250 *");
      s.send("RCPT TO:<" + to + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw(message + ".\r\n").expect(expect);
    }
  }

  @Test
  void authenticationResultsOnPort25AndForgedOnesRemoved() throws Exception {
    send(
        t.port("smtp"),
        "someone@outside.example",
        "alice@example.test",
        "Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=forged@example.test\r\n"
            + "Authentication-Results: other.example;\r\n  dkim=pass header.d=kept.example\r\n"
            + "From: someone@outside.example\r\nSubject: ar\r\n\r\nhello\r\n",
        "250 *");
    String m = t.awaitMessageContaining("alice@example.test", "Subject: ar\r\n");
    assertThat(m).contains("Authentication-Results: mx.example.test;");
    assertThat(m).contains("spf=pass smtp.mailfrom=someone@outside.example");
    assertThat(m).contains("dkim=none");
    assertThat(m).contains("dmarc=pass");
    assertThat(m).contains("arc=none");
    assertThat(m).contains("iprev=pass policy.iprev=127.0.0.1");
    assertThat(m).doesNotContain("forged@example.test");
    assertThat(m).contains("Authentication-Results: other.example;\r\n  dkim=pass header.d=kept.example\r\n");
    // our field comes before the message's own header
    assertThat(m.indexOf("Authentication-Results: mx.example.test")).isLessThan(m.indexOf("From: someone"));
  }

  @Test
  void mailForwardedToARemoteAddressIsArcSealed() throws Exception {
    t.server.directory().addAlias("fwd@example.test", List.of("alice@example.test", "friend@remote.example"));
    send(
        t.port("smtp"),
        "someone@outside.example",
        "fwd@example.test",
        "From: someone@outside.example\r\nTo: fwd@example.test\r\nSubject: forwarded\r\n\r\nhello\r\n",
        "250 *");
    // the header section, not the body: the remote copy bounces (remote.example has no MX), and the
    // double bounce, which quotes this message, reaches alice too as the postmaster
    Path copy = null;
    for (java.time.Instant end = java.time.Instant.now().plusSeconds(20); copy == null; Thread.sleep(20)) {
      copy = t.messages("alice@example.test").stream()
          .filter(p -> read(p).split("\r\n\r\n", 2)[0].contains("Subject: forwarded"))
          .findFirst()
          .orElse(null);
      assertThat(java.time.Instant.now()).as("the forwarded copy in alice's mailbox").isBefore(end);
    }
    String m = read(copy);
    assertThat(m).containsPattern("ARC-Seal: [^\n]*(\n\t[^\n]*)*cv=none; d=example.test; i=1; s=s1");
    assertThat(m).contains("ARC-Authentication-Results: i=1; mx.example.test;");
    dev.postamt.mailauth.arc.ArcResult arc =
        new dev.postamt.mailauth.arc.ArcVerifier(ZoneFileResolver.load(dir.resolve("zone.txt"))).verify(Files.readAllBytes(copy));
    assertThat(arc.status()).as(arc.toString()).isEqualTo(dev.postamt.mailauth.arc.ArcResult.Status.PASS);
  }

  @Test
  void mailLoopsAreRefusedByHopCount() throws Exception {
    send(
        t.port("smtp"),
        "someone@outside.example",
        "alice@example.test",
        "Received: from a by b; Mon, 23 Nov 2026 00:00:00 +0000\r\n".repeat(51) + "Subject: loop\r\n\r\nx\r\n",
        "554 5.4.6 Error: too many hops (51 Received: fields); mail loop?");
    send(
        t.port("smtp"),
        "someone@outside.example",
        "alice@example.test",
        "Received: from a by b; Mon, 23 Nov 2026 00:00:00 +0000\r\n".repeat(50) + "Subject: fifty\r\n\r\nx\r\n",
        "250 *");
  }

  @Test
  void dmarcRejectPolicyRefusesAtEndOfData() throws Exception {
    send(
        t.port("smtp"),
        "x@strict.example",
        "bob@example.test",
        "From: x@strict.example\r\nSubject: spoof\r\n\r\nhello\r\n",
        "550 5.7.1 Email rejected per DMARC policy for strict.example");
    assertThat(t.messages("bob@example.test")).noneMatch(p -> read(p).contains("Subject: spoof"));
  }

  @Test
  void submittedMailIsDkimSignedAndVerifies() throws Exception {
    try (SmtpScript s = SmtpScript.connect(t.port("submission"))) {
      s.expect("220 *");
      s.send("EHLO client").read();
      s.send("STARTTLS").expect("220 *");
      s.upgradeTls();
      s.send("EHLO client").read();
      s.send("AUTH PLAIN " + Base64.getEncoder().encodeToString("\0alice@example.test\0secret".getBytes(StandardCharsets.UTF_8)))
          .expect("235 *");
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<bob@example.test>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: Alice <alice@example.test>\r\nTo: bob@example.test\r\nSubject: signed\r\n\r\nsigned body\r\n.\r\n")
          .expect("250 *");
    }
    Path msg =
        t.awaitMessages("bob@example.test", 1).stream().filter(p -> read(p).contains("Subject: signed")).findFirst().orElseThrow();
    String text = read(msg);
    assertThat(text).contains("DKIM-Signature: ").contains("d=example.test").contains("s=s1");
    List<DkimResult> results = new DkimVerifier(ZoneFileResolver.load(dir.resolve("zone.txt"))).verify(msg);
    assertThat(results).hasSize(1);
    assertThat(results.getFirst().passed()).as(results.toString()).isTrue();
  }

  @Test
  void checkMessageCommandPrintsTheHeaderAndTheVerdict() throws Exception {
    Path msg = dir.resolve("spoof.eml");
    Files.writeString(msg, "From: x@strict.example\r\nSubject: spoof\r\n\r\nhello\r\n");
    java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
    int rc =
        dev.postamt.cli.Main.run(
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true),
            "check", "message", msg.toString(), "--ip", "127.0.0.1", "--mail-from", "x@strict.example",
            "--helo", "client.outside.example", "--config", dir.resolve("postamt.toml").toString());
    assertThat(rc).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("Authentication-Results: mx.example.test;")
        .contains("spf=fail smtp.mailfrom=x@strict.example")
        .contains("dmarc=fail (p=reject dis=reject)")
        .contains("iprev=pass")
        .contains("\nverdict: reject: Email rejected per DMARC policy for strict.example\n")
        .contains("antivirus: off (antivirus.clamd is empty)\nattachment: no rule matches\ncontent action: deliver\nspam: score=");
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
