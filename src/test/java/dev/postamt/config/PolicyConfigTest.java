package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [policy]}, {@code [greylist]} and {@code [dnsbl]}: defaults, parsing, and errors naming the key. */
class PolicyConfigTest {
  @TempDir Path dir;

  private Config load(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return Config.load(f, true);
  }

  private Iterable<String> problems(String toml) {
    try {
      load(toml);
    } catch (ConfigException e) {
      return e.problems();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("loaded: " + toml);
  }

  @Test
  void theDefaultsAreTheSafeOnes() {
    Config c = Config.defaults();
    assertThat(c.policy().delayReject()).isTrue();
    assertThat(c.policy().list("client")).extracting(Object::toString)
        .containsExactly("permit_mynetworks", "permit_sasl_authenticated", "warn_if_reject reject_unknown_client_hostname", "check_dnsbl");
    assertThat(c.policy().list("helo")).extracting(Object::toString).contains("reject_non_fqdn_helo_hostname");
    assertThat(c.policy().list("sender")).extracting(Object::toString).contains("reject_unknown_sender_domain");
    assertThat(c.policy().list("recipient")).extracting(Object::toString).endsWith("check_greylist");
    assertThat(c.policy().warnings()).isEmpty();
    assertThat(c.greylist().enabled()).isFalse();
    assertThat(c.greylist().delay()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.greylist().retryWindow()).isEqualTo(Duration.ofDays(2));
    assertThat(c.greylist().expire()).isEqualTo(Duration.ofDays(35));
    assertThat(c.greylist().autoWhitelistAfter()).isEqualTo(5);
    assertThat(c.dnsbl().sites()).isEmpty();
    assertThat(c.dnsbl().threshold()).isEqualTo(1);
  }

  @Test
  void theInterfaceExampleLoadsWithItsAccessTableRead() throws Exception {
    Files.writeString(dir.resolve("sender_access"), "spammer@bad.example REJECT go away\n");
    Config c = load("""
        [policy]
        client    = ["permit_mynetworks"]
        helo      = ["reject_invalid_helo_hostname"]
        sender    = ["check_sender_access hash:sender_access"]
        recipient = ["permit_mynetworks", "permit_sasl_authenticated", "reject_unauth_destination"]
        [greylist]
        enabled  = false
        delay    = "5m"
        [dnsbl]
        sites     = []
        threshold = 1
        """);
    assertThat(c.policy().list("sender").getFirst().name()).isEqualTo("check_sender_access");
    assertThat(c.policy().list("sender").getFirst().argument()).isEqualTo("hash:" + dir.resolve("sender_access"));
    assertThat(c.policy().list("sender").getFirst().accessMap()).isTrue();
    assertThat(c.policy().warnings()).isEmpty();
  }

  @Test
  void aBrokenOrMissingAccessTableIsOneProblemPerLineNamingFileAndLine() throws Exception {
    Path table = dir.resolve("sender_access");
    Files.writeString(table, "# comment\nok@example.org OK\nbad.example REJEKT no\nlonelykey\n");
    Files.writeString(dir.resolve("x.regexp"), "/unclosed REJECT\n!/fine/ OK\n/ok/q DUNNO\n");
    assertThat(problems("""
        [policy]
        sender = ["check_sender_access hash:sender_access", "check_sender_access regexp:x.regexp",
                  "check_sender_access cidr:missing.cidr", "check_sender_access ldap:x"]
        recipient = ["check_recipient_access"]
        """)).containsExactlyInAnyOrder(
            "policy: " + table + ":3: unknown action \"REJEKT\"",
            "policy: " + table + ":4: \"lonelykey\" has no action",
            "policy: " + dir.resolve("x.regexp") + ":1: pattern has no closing /",
            "policy: " + dir.resolve("x.regexp") + ":3: unknown pattern flag \"q\"",
            "policy: " + dir.resolve("missing.cidr") + ": cannot read: NoSuchFile " + dir.resolve("missing.cidr"),
            "policy: \"ldap:x\": table type \"ldap:\" is not supported (use hash:, texthash:, cidr:, regexp: or pcre:)",
            "policy.recipient: \"check_recipient_access\" needs an argument");
  }

  @Test
  void greylistingOrDnsListsThatNoListConsultsAreNamed() throws Exception {
    Config c = load("""
        [policy]
        client = ["permit_mynetworks"]
        recipient = ["reject_unauth_destination"]
        [greylist]
        enabled = true
        [dnsbl]
        sites = ["zen.example.test"]
        """);
    assertThat(c.policy().warnings()).containsExactly(
        "greylist.enabled: no [policy] list has check_greylist, so nothing is greylisted",
        "dnsbl.sites: no [policy] list has check_dnsbl, so the sites are not asked");
    assertThat(load("[greylist]\nenabled = true\n[dnsbl]\nsites = [\"zen.example.test\"]\n").policy().warnings()).isEmpty();
  }

  @Test
  void unknownChecksAndBadArgumentsNameTheList() {
    assertThat(problems("""
        [policy]
        client = ["reject_everyone"]
        helo = ["reject_rbl_client"]
        sender = ["reject_non_fqdn_sender please"]
        recipient = ["reject_rbl_client zen.example.test=127.0.0.[2..300]"]
        data = ["warn_if_reject"]
        """)).containsExactlyInAnyOrder(
            "policy.client: unknown check \"reject_everyone\"",
            "policy.helo: \"reject_rbl_client\" needs an argument",
            "policy.sender: \"reject_non_fqdn_sender\" takes no argument, got \"please\"",
            "policy.recipient: \"reject_rbl_client zen.example.test=127.0.0.[2..300]\": \"zen.example.test=127.0.0.[2..300]\" has a bad address pattern \"127.0.0.[2..300]\"",
            "policy.data: \"warn_if_reject\" names no check");
  }

  @Test
  void greylistSettingsAndTheirErrors() throws Exception {
    Config c = load("""
        [greylist]
        enabled = true
        delay = "2m"
        retry_window = "1d"
        expire = "10d"
        auto_whitelist_after = 0
        whitelist_clients = ["192.0.2.0/24", "2001:db8::/32", ".google.example", "mx.partner.example"]
        whitelist_recipients = ["abuse@", "postmaster@example.test", "spamlovers.example"]
        ipv4_prefix = 32
        """);
    Greylist g = c.greylist();
    assertThat(g.enabled()).isTrue();
    assertThat(g.delay()).isEqualTo(Duration.ofMinutes(2));
    assertThat(g.clientNetworks()).extracting(Cidr::toString).containsExactly("192.0.2.0/24", "2001:db8:0:0:0:0:0:0/32");
    assertThat(g.clientDomains()).containsExactly(".google.example", "mx.partner.example");
    assertThat(g.recipients()).containsExactly("abuse@", "postmaster@example.test", "spamlovers.example");
    assertThat(g.ipv4Prefix()).isEqualTo(32);
    assertThat(problems("[greylist]\ndelay = \"soon\"\nwhitelist_clients = [\"10.0.0.0/40\", \"not a name\"]\nfoo = 1\n"))
        .contains(
            "greylist.delay: must be a duration like \"30s\", \"5m\", \"1h\", \"5d\"",
            "greylist.whitelist_clients: \"10.0.0.0/40\" has a bad prefix length",
            "greylist.whitelist_clients: \"not a name\" is neither an address block nor a domain name",
            "greylist.foo: unknown key");
    assertThat(problems("[greylist]\ndelay = \"3d\"\n")).anySatisfy(p -> assertThat(p).startsWith("greylist.delay: must be between"));
    assertThat(problems("[greylist]\ndelay = \"1h\"\nretry_window = \"30m\"\n")).contains("greylist.retry_window: must be longer than greylist.delay");
  }

  @Test
  void dnsblSitesInPostscreenSyntax() throws Exception {
    Config c = load("""
        [dnsbl]
        sites = ["zen.example.test*3", "bl.example.test=127.0.0.[2..11]*2", "wl.example.test=127.0.[0..255].[1..255]*-2", "plain.example.test"]
        rhsbl_sites = ["dbl.example.test=127.0.1.[2;4..6]"]
        threshold = 3
        timeout = "2s"
        """);
    Dnsbl d = c.dnsbl();
    assertThat(d.sites()).extracting(Dnsbl.Site::zone, Dnsbl.Site::weight).containsExactly(
        org.assertj.core.groups.Tuple.tuple("zen.example.test", 3), org.assertj.core.groups.Tuple.tuple("bl.example.test", 2),
        org.assertj.core.groups.Tuple.tuple("wl.example.test", -2), org.assertj.core.groups.Tuple.tuple("plain.example.test", 1));
    assertThat(d.threshold()).isEqualTo(3);
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(2));
    Dnsbl.Site bl = d.sites().get(1);
    assertThat(bl.matches(InetAddress.getByName("127.0.0.2"))).isTrue();
    assertThat(bl.matches(InetAddress.getByName("127.0.0.11"))).isTrue();
    assertThat(bl.matches(InetAddress.getByName("127.0.0.12"))).isFalse();
    Dnsbl.Site dbl = d.rhsblSites().getFirst();
    assertThat(dbl.matches(InetAddress.getByName("127.0.1.2"))).isTrue();
    assertThat(dbl.matches(InetAddress.getByName("127.0.1.3"))).isFalse();
    assertThat(dbl.matches(InetAddress.getByName("127.0.1.5"))).isTrue();
    assertThat(problems("[dnsbl]\nsites = [\"nodot*2\", \"zen.example.test=127.0.0\"]\nthreshold = 0\n")).containsExactlyInAnyOrder(
        "dnsbl.sites: \"nodot*2\" is not \"zone[=127.0.0.[2..11]][*weight]\"",
        "dnsbl.sites: \"zen.example.test=127.0.0\" has a bad address pattern \"127.0.0\"",
        "dnsbl.threshold: must be between 1 and 10000, got 0");
  }
}
