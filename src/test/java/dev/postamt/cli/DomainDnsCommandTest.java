package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt domain dns}, {@code user disable|enable} and {@code user admin}, with no server running. */
class DomainDnsCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    Path zone = tmp.resolve("zone.txt");
    Files.writeString(zone, """
        example.org. MX 10 mx.example.org.
        example.org. TXT "v=spf1 mx -all"
        mx.example.org. A 192.0.2.1
        _dmarc.example.org. TXT "v=DMARC1; p=none"
        autoconfig.example.org. CNAME mx.example.org.
        autodiscover.example.org. CNAME mail.elsewhere.example.
        _submission._tcp.example.org. SRV 0 1 587 mx.example.org.
        _imaps._tcp.example.org. SRV 0 1 993 imap.elsewhere.example.
        """);
    Files.writeString(cli.config, "hostname = \"mx.example.org\"\ndata_dir = \"" + cli.data + "\"\n[dns]\nzone_file = \"" + zone
        + "\"\n[listen]\nsubmission = \"127.0.0.1:0\"\nimaps = \"127.0.0.1:0\"\n");
    cli.ok("domain", "add", "example.org");
    cli.ok("user", "add", "ann@example.org", "--password", "pw-ann-1");
  }

  @Test
  void listsEveryRecordWithWhetherItIsPublished() {
    cli.ok("dkim", "keygen", "example.org", "--selector", "s1", "--algorithm", "ed25519");
    List<String> lines = cli.ok("domain", "dns", "example.org").lines();
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("published").contains("MX").contains("example.org. 10 mx.example.org."));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("published").contains("A/AAAA").contains("mx.example.org."));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("published").contains("TXT").contains("example.org. v=spf1 mx -all"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("missing").contains("s1._domainkey.example.org. v=DKIM1; k=ed25519; p="));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("published").contains("_dmarc.example.org."));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("published").contains("CNAME").contains("autoconfig.example.org."));
    int i = indexOf(lines, "autodiscover.example.org.");
    assertThat(lines.get(i)).startsWith("different");
    assertThat(lines.get(i + 1)).contains("found: mail.elsewhere.example");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("published").contains("SRV").contains("_submission._tcp.example.org. 0 1 587"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("different").contains("_imaps._tcp.example.org."));
    assertThat(lines).as("services without a listener get no SRV record").noneMatch(l -> l.contains("_pop3s._tcp"));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("missing").contains("_smtp._tls.example.org.").endsWith("(optional)"));
  }

  @Test
  void aPublishedDkimKeyIsRecognisedByItsPublicKey() throws Exception {
    String out = cli.ok("dkim", "keygen", "example.org", "--selector", "s2", "--algorithm", "ed25519").out();
    String p = out.substring(out.indexOf("p=") + 2, out.indexOf('"', out.indexOf("p=")));
    Files.writeString(tmp.resolve("zone.txt"), "s2._domainkey.example.org. TXT \"v=DKIM1; k=ed25519; p=" + p + "\"\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(cli.ok("domain", "dns", "example.org").lines())
        .anySatisfy(l -> assertThat(l).startsWith("published").contains("s2._domainkey.example.org."));
  }

  @Test
  void unknownDomainIsAOneLineError() {
    CliFixture.Result r = cli.run("domain", "dns", "nowhere.example");
    assertThat(r.status()).isNotZero();
    assertThat(r.err()).isEqualTo("postamt: not a local domain: nowhere.example\n");
  }

  @Test
  void disableEnableAndAdminRoles() {
    assertThat(cli.ok("user", "disable", "Ann@Example.org").out()).isEqualTo("disabled user ann@example.org\n");
    assertThat(cli.ok("user", "enable", "ann@example.org").out()).isEqualTo("enabled user ann@example.org\n");
    assertThat(cli.ok("user", "admin", "ann@example.org", "--domain", "example.org").out())
        .isEqualTo("ann@example.org is now administrator of example.org\n");
    assertThat(cli.ok("user", "admin", "ann@example.org").out()).isEqualTo("ann@example.org is now administrator of every domain\n");
    assertThat(cli.ok("user", "admin", "ann@example.org", "--remove").out()).isEqualTo("ann@example.org is now administrator of example.org\n");
    assertThat(cli.ok("user", "admin", "ann@example.org", "--domain", "example.org", "--remove").out())
        .isEqualTo("ann@example.org is now no administrator\n");
    CliFixture.Result missing = cli.run("user", "disable", "nobody@example.org");
    assertThat(missing.status()).isNotZero();
    assertThat(missing.err()).isEqualTo("postamt: user nobody@example.org does not exist\n");
    CliFixture.Result otherDomain = cli.run("user", "admin", "ann@example.org", "--domain", "other.example");
    assertThat(otherDomain.status()).isNotZero();
    assertThat(otherDomain.err()).isEqualTo("postamt: domain other.example is not a local domain\n");
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line with " + text + " in " + lines);
  }
}
