package dev.postamt.mailauth.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.mailauth.FakeResolver;
import dev.postamt.mailauth.dkim.DkimResult.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mail::DKIM's verifier corpus (t/corpus, fake DNS t/FAKE_DNS.dat, expected verifier-expected.tsv).
 * Every file is one test, run twice:
 *
 * <ul>
 *   <li>with {@link DkimPolicy#LEGACY} (rsa-sha1 and 512-bit keys allowed, as when the corpus was made),
 *       where our result must equal Mail::DKIM's: this checks parsing, canonicalization and crypto;
 *   <li>with {@link DkimPolicy#DEFAULT} (RFC 8301), where passes made with rsa-sha1 or short keys become
 *       POLICY, and nothing else may change.
 * </ul>
 *
 * Mail::DKIM's "invalid" is our NEUTRAL or PERMERROR (the signature could not be checked), "fail" is
 * FAIL, "pass" is PASS. The documented exceptions are in {@link #EXCEPTIONS}.
 */
class DkimMailDkimCorpusTest {
  static final Path ROOT = dev.postamt.mailauth.TestData.dir("dkim/mail-dkim");

  /**
   * Files where we knowingly differ from Mail::DKIM, with the reason. The value is our expected
   * outcome under the legacy policy.
   */
  static final Map<String, String> EXCEPTIONS = Map.ofEntries(
      // DomainKeys (RFC 4870, historic since 2007) is not implemented: these carry only a
      // DomainKey-Signature, so for DKIM they are unsigned.
      Map.entry("good_dk_gmail.txt", "none"),
      Map.entry("good_dk_yahoo.txt", "none"),
      Map.entry("good_dk_1.txt", "none"),
      Map.entry("good_dk_2.txt", "none"),
      Map.entry("good_dk_3.txt", "none"),
      Map.entry("good_dk_4.txt", "none"),
      Map.entry("good_dk_5.txt", "none"),
      Map.entry("good_dk_6.txt", "none"),
      Map.entry("good_dk_7.txt", "none"),
      Map.entry("dk_headers_1.txt", "none"),
      Map.entry("dk_headers_2.txt", "none"),
      Map.entry("bad_dk_1.txt", "none"),
      Map.entry("bad_dk_2.txt", "none"),
      Map.entry("bad_dk_3.txt", "none"),
      Map.entry("bad_dk_4.txt", "none"),
      Map.entry("bad_dk_5.txt", "none"),
      Map.entry("dk_multiple_1.txt", "none"),
      // draft-ietf-dkim-base-00 signatures have no bh= (the body was hashed with the headers); only
      // the later drafts, which match RFC 6376, are replayed.
      Map.entry("good_ietf00_1.txt", "invalid"),
      Map.entry("good_ietf00_2.txt", "invalid"),
      Map.entry("good_ietf00_3.txt", "invalid"),
      Map.entry("good_ietf00_4.txt", "invalid"),
      Map.entry("good_ietf00_5.txt", "invalid"),
      // The key records use g= (granularity), which RFC 6376 removed (Appendix C.1: "the g= tag has
      // been removed"); unknown tags are ignored (§3.6.1), so the signatures verify.
      Map.entry("badkey_8.txt", "pass"),
      Map.entry("badkey_9.txt", "pass"),
      Map.entry("badkey_12.txt", "pass"),
      Map.entry("badkey_13.txt", "pass"),
      // DNS time-out and SERVFAIL: Mail::DKIM says "invalid"; RFC 8601 §2.7.1 asks for temperror so
      // that the sender's mail can be retried rather than judged.
      Map.entry("badkey_14.txt", "temperror"),
      Map.entry("badkey_15.txt", "temperror"));

  static Stream<Arguments> corpus() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String line : Files.readAllLines(ROOT.resolve("verifier-expected.tsv"))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t");
      out.add(Arguments.of(f[0], f[1]));
    }
    return out.stream();
  }

  static FakeResolver fakeDns() throws IOException {
    FakeResolver r = new FakeResolver();
    for (String line : Files.readAllLines(ROOT.resolve("t/FAKE_DNS.dat"))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int sp = line.indexOf(' ');
      String name = line.substring(0, sp);
      String value = line.substring(sp).strip();
      switch (value) {
        case "NXDOMAIN" -> {} // absent names are NXDOMAIN anyway
        case "~~Query timed out~~", "~~SERVFAIL~~" -> r.tempfail(name);
        case "\"\"" -> r.txt(name, "");
        default -> r.txt(name, value);
      }
    }
    return r;
  }

  /** Mail::DKIM reports the best signature: pass beats fail beats invalid. */
  static String overall(List<DkimResult> results) {
    if (results.isEmpty()) {
      return "none";
    }
    if (results.stream().anyMatch(r -> r.status() == Status.PASS)) {
      return "pass";
    }
    if (results.stream().anyMatch(r -> r.status() == Status.FAIL)) {
      return "fail";
    }
    if (results.stream().anyMatch(r -> r.status() == Status.POLICY)) {
      return "policy";
    }
    if (results.stream().anyMatch(r -> r.status() == Status.TEMPERROR)) {
      return "temperror";
    }
    return "invalid";
  }

  /** Whether the i-th DKIM-Signature of the file is an RFC one (v=1) rather than a draft. */
  static boolean fieldHasVersion1(Path file, int i) throws IOException {
    var fields = dev.postamt.mime.HeaderSection.parse(Files.readAllBytes(file)).all("DKIM-Signature");
    return fields.get(i).value().replaceAll("\\s+", "").matches("(?s)(.*;)?v=1(;.*)?");
  }

  // The corpus was made in 2006–2023; verify as of a date inside that span (x= expiry tests rely on
  // the wall clock being after their expiry, which 2024 is).
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-14T00:00:00Z"), ZoneOffset.UTC);

  @ParameterizedTest(name = "{0} expects {1}")
  @MethodSource("corpus")
  void legacyPolicyMatchesMailDkim(String file, String expected) throws IOException {
    DkimVerifier v = new DkimVerifier(fakeDns(), DkimPolicy.LEGACY, CLOCK);
    List<DkimResult> results = v.verify(ROOT.resolve("t/corpus").resolve(file));
    String want = EXCEPTIONS.getOrDefault(file, expected);
    assertThat(overall(results)).as("%s: %s", file, results).isEqualTo(want);
  }

  @ParameterizedTest(name = "{0} expects {1} (RFC 8301)")
  @MethodSource("corpus")
  void defaultPolicyOnlyDowngradesWeakPasses(String file, String expected) throws IOException {
    List<DkimResult> legacy = new DkimVerifier(fakeDns(), DkimPolicy.LEGACY, CLOCK)
        .verify(ROOT.resolve("t/corpus").resolve(file));
    List<DkimResult> strict = new DkimVerifier(fakeDns(), DkimPolicy.DEFAULT, CLOCK)
        .verify(ROOT.resolve("t/corpus").resolve(file));
    assertThat(strict).hasSameSizeAs(legacy);
    for (int i = 0; i < strict.size(); i++) {
      DkimResult l = legacy.get(i);
      DkimResult s = strict.get(i);
      boolean weak = "rsa-sha1".equals(l.algorithm()) || (l.keyBits() > 0 && l.keyBits() < 1024 && "rsa-sha256".equals(l.algorithm()));
      boolean draft = i < DkimPolicy.DEFAULT.maxSignatures()
          && !fieldHasVersion1(ROOT.resolve("t/corpus").resolve(file), i);
      if (draft) {
        assertThat(s.status()).as("%s #%d: %s", file, i, s).isEqualTo(Status.NEUTRAL);
      } else if (l.status() == Status.PASS && weak) {
        assertThat(s.status()).as("%s #%d: %s", file, i, s).isEqualTo(Status.POLICY);
      } else {
        assertThat(s.status()).as("%s #%d: %s", file, i, s).isEqualTo(l.status());
      }
    }
  }
}
