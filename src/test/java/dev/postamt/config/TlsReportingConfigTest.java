package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [tlsrpt]} and the ACME keys of {@code [tls]}: defaults, every key, bad values named by their key. */
class TlsReportingConfigTest {
  @TempDir Path dir;

  private Path write(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return f;
  }

  @Test
  void reportsAreRecordedButNotSentByDefault() throws Exception {
    Config c = Config.load(write("hostname = \"mx.example.org\"\n"), true);
    TlsRpt t = c.tlsRpt();
    assertThat(t.enabled()).isFalse();
    assertThat(t.organization()).isEqualTo("mx.example.org");
    assertThat(t.from()).isEqualTo("postmaster@mx.example.org");
    assertThat(t.contact()).isEqualTo("postmaster@mx.example.org");
    assertThat(t.submitter()).isEqualTo("mx.example.org");
    assertThat(t.record("example.org")).isEqualTo("v=TLSRPTv1; rua=mailto:postmaster@example.org");
    assertThat(c.tls().acme()).isFalse();
    assertThat(c.tls().acmeDirectory()).isEqualTo(Tls.LETS_ENCRYPT);
  }

  @Test
  void everyKeyIsRead() throws Exception {
    Path trust = Files.writeString(dir.resolve("ca.pem"), "x");
    Config c = Config.load(write("""
        hostname = "mx.example.org"
        [tlsrpt]
        enabled = true
        organization = "Example Org"
        contact = "tls@example.org"
        from = "reports@example.org"
        rua = "mailto:tlsrpt@{domain},https://reports.example.org/tlsrpt"
        [tls]
        acme = true
        acme_directory = "https://localhost:14000/dir"
        acme_email = "admin@example.org"
        acme_names = ["mx.example.org", "mta-sts.example.org"]
        acme_trust = "ca.pem"
        """), true);
    assertThat(c.tlsRpt()).isEqualTo(new TlsRpt(true, "Example Org", "tls@example.org", "reports@example.org",
        "mailto:tlsrpt@{domain},https://reports.example.org/tlsrpt"));
    assertThat(c.tlsRpt().record("example.net")).isEqualTo("v=TLSRPTv1; rua=mailto:tlsrpt@example.net,https://reports.example.org/tlsrpt");
    assertThat(c.tls()).isEqualTo(new Tls(Optional.empty(), Optional.empty(), true, "https://localhost:14000/dir",
        Optional.of("admin@example.org"), List.of("mx.example.org", "mta-sts.example.org"), Optional.of(trust)));
  }

  @Test
  void badValuesAreNamedByTheirKey() throws Exception {
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    Path f = write("[tlsrpt]\nfrom = \"nobody\"\nrua = \"http://insecure.example/\"\n"
        + "[tls]\nacme = true\ncertificate = \"" + cert + "\"\nprivate_key = \"" + cert + "\"\n"
        + "acme_directory = \"http://ca.example/dir\"\nacme_names = [\"*.example.org\"]\nacme_trust = \"missing.pem\"\n");
    assertThatThrownBy(() -> Config.load(f, true)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anyMatch(p -> p.contains("tlsrpt.from"))
            .anyMatch(p -> p.contains("tlsrpt.rua") && p.contains("http://insecure.example/"))
            .anyMatch(p -> p.contains("tls.acme") && p.contains("leave out tls.certificate"))
            .anyMatch(p -> p.contains("tls.acme_directory"))
            .anyMatch(p -> p.contains("tls.acme_names") && p.contains("*.example.org"))
            .anyMatch(p -> p.contains("tls.acme_trust")));
  }
}
