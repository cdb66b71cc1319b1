package dev.postamt.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.mailauth.FakeResolver;
import dev.postamt.mailauth.dkim.DkimResult.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Interoperability with Debian's OpenDKIM, offline: {@code opendkim -t FILE} runs the filter on a
 * message in test mode; it verifies with keys from a {@code TestPublicKeys} file instead of DNS, and in
 * signing mode prints the DKIM-Signature it would insert. Skipped only when opendkim is not installed
 * ({@code apt-get install opendkim}).
 */
class DkimOpendkimInteropTest {
  static final Path OPENDKIM = Path.of("/usr/sbin/opendkim");

  // Folds, odd white space, a long line and trailing empty lines exercise both canonicalizations.
  static final String MSG = "From: \"Ann Example\" <ann@example.test>\r\nTo: bob@example.net,\r\n  carol@example.net\r\n"
      + "Subject:   Lunch\t tomorrow?  \r\nDate: Mon, 23 Nov 2026 19:00:00 +0000\r\n"
      + "Message-ID: <abc.123@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
      + "Hi Bob,  \r\n\r\n\tsee you at noon.\r\n" + "x".repeat(900) + "\r\n\r\n\r\n";

  @TempDir Path dir;
  DkimKeys.Generated rsa;
  DkimKeys.Generated ed;

  @BeforeEach
  void keys() throws Exception {
    assumeTrue(Files.isExecutable(OPENDKIM), "opendkim is not installed");
    rsa = DkimKeys.generate(dir, "example.test", "pa-rsa", "rsa");
    ed = DkimKeys.generate(dir, "example.test", "pa-ed", "ed25519");
  }

  @Test
  void opendkimVerifiesWhatWeSign() throws Exception {
    DkimSigner signer = DkimSigner.forDomain(dir, "example.test").orElseThrow();
    Path signed = dir.resolve("signed.eml");
    Files.writeString(signed, signer.sign(MSG.getBytes(StandardCharsets.UTF_8)) + MSG, StandardCharsets.UTF_8);
    Path keys = dir.resolve("keys.txt");
    Files.writeString(keys, rsa.dnsName() + " " + rsa.txt() + "\n" + ed.dnsName() + " " + ed.txt() + "\n");
    Path conf = dir.resolve("verify.conf");
    Files.writeString(conf, "Mode v\nTestPublicKeys " + keys + "\nSyslog no\n");
    String out = opendkim(conf, signed);
    assertThat(out).contains("dkim=pass (2048-bit key) header.d=example.test header.i=@example.test header.a=rsa-sha256 header.s=pa-rsa");
    assertThat(out).contains("header.a=ed25519-sha256 header.s=pa-ed");
    assertThat(out).doesNotContain("dkim=fail");

    // And a changed message fails there too, so the test can tell.
    Files.writeString(signed, Files.readString(signed).replace("noon", "one"));
    assertThat(opendkim(conf, signed)).contains("dkim=fail").doesNotContain("dkim=pass");
  }

  @ParameterizedTest
  @CsvSource({"rsa, relaxed/relaxed", "rsa, simple/simple", "rsa, relaxed/simple", "ed25519, relaxed/relaxed"})
  void weVerifyWhatOpendkimSigns(String algorithm, String canon) throws Exception {
    DkimKeys.Generated key = algorithm.equals("rsa") ? rsa : ed;
    // opendkim's test mode rebuilds each header as "Name: value", losing extra white space after the
    // colon, which real milter use keeps; for simple header canonicalization feed it headers already in
    // that form.
    String msg = canon.startsWith("simple") ? MSG.replace("Subject:   ", "Subject: ") : MSG;
    Path unsigned = dir.resolve("msg.eml");
    Files.writeString(unsigned, msg, StandardCharsets.UTF_8);
    Path conf = dir.resolve("sign.conf");
    Files.writeString(conf, "Mode s\nDomain example.test\nSelector " + key.key().selector() + "\nKeyFile "
        + key.key().file() + "\nSignatureAlgorithm " + key.key().algorithm().tag() + "\nCanonicalization " + canon
        + "\nOversignHeaders From\nSyslog no\nRequireSafeKeys no\n");
    String out = opendkim(conf, unsigned);
    Matcher m = Pattern.compile("INSHEADER: idx=\\d+ hname='DKIM-Signature' hvalue='([^']*)'").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    String field = "DKIM-Signature: " + m.group(1).replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n";
    FakeResolver dns = new FakeResolver().txt(key.dnsName(), key.txt());
    byte[] signed = (field + msg).getBytes(StandardCharsets.UTF_8);
    List<DkimResult> r = new DkimVerifier(dns).verify(signed);
    assertThat(r).as(field).extracting(DkimResult::status).containsExactly(Status.PASS);
    byte[] tampered = (field + msg.replace("noon", "one")).getBytes(StandardCharsets.UTF_8);
    assertThat(new DkimVerifier(dns).verify(tampered)).extracting(DkimResult::status).containsExactly(Status.FAIL);
  }

  static String opendkim(Path conf, Path message) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(OPENDKIM.toString(), "-x", conf.toString(), "-vvv", "-t", message.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }
}
