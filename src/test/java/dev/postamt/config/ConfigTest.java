package dev.postamt.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  private Config load(String toml) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, toml);
    return Config.load(f, true);
  }

  @Test
  void interfaceExampleLoadsWithPathsRelativeToTheConfigFile() throws Exception {
    Files.writeString(dir.resolve("test-zone.txt"), "");
    Config c =
        load(
            """
            hostname = "mx.example.test"
            data_dir = "data"
            [listen]
            smtp       = "0.0.0.0:25"
            submission = "0.0.0.0:587"
            smtps      = "0.0.0.0:465"
            imap       = "0.0.0.0:143"
            imaps      = "0.0.0.0:993"
            pop3       = "0.0.0.0:110"
            pop3s      = "0.0.0.0:995"
            http       = "127.0.0.1:8080"
            [relay]
            networks   = ["127.0.0.0/8", "::1/128"]
            relayhost  = ""
            [delivery]
            remote_port = 25
            [dns]
            zone_file  = "test-zone.txt"
            """);
    assertThat(c.hostname()).isEqualTo("mx.example.test");
    assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(c.dns().zoneFile()).contains(dir.resolve("test-zone.txt"));
    assertThat(c.listen().get("submission").orElseThrow().getPort()).isEqualTo(587);
    assertThat(c.relay().relayhost()).isEmpty();
    assertThat(c.relay().networks()).hasSize(2);
  }

  /** A file saved by a Windows editor (byte order mark, CRLF) loads; one that is not UTF-8 gets one line saying so. */
  @Test
  void aByteOrderMarkAndCrlfAreTakenAndAFileNotInUtf8IsNamed() throws Exception {
    Path bom = dir.resolve("bom.toml");
    Files.write(bom, ("\uFEFFhostname = \"mx.example.test\"\r\n[listen]\r\nsmtp = \"127.0.0.1:2525\"\r\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Config c = Config.load(bom, true);
    assertThat(c.hostname()).isEqualTo("mx.example.test");
    assertThat(c.listen().get("smtp").orElseThrow().getPort()).isEqualTo(2525);

    Path latin1 = dir.resolve("latin1.toml");
    Files.write(latin1, "hostname = \"mx.example.test\" # Gr\u00FC\u00DFe\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> Config.load(latin1, true)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .containsExactly(latin1 + ": not UTF-8 text (a TOML file is UTF-8; save it as UTF-8)"));
  }

  @Test
  void defaultsAreSafe() {
    Config c = Config.defaults();
    assertThat(c.listen().get("smtp").orElseThrow().getPort()).isEqualTo(25);
    assertThat(c.listen().services())
        .containsOnlyKeys("smtp", "submission", "smtps", "imap", "imaps", "pop3", "pop3s", "managesieve", "http");
    assertThat(c.listen().get("managesieve").orElseThrow().getPort()).isEqualTo(4190);
    assertThat(c.listen().get("http").orElseThrow().getAddress().isLoopbackAddress()).as("http only from this machine").isTrue();
    assertThat(c.limits().messageSize()).isEqualTo(50L << 20);
    assertThat(c.queue().maxLifetime()).isEqualTo(Duration.ofDays(5));
    assertThat(c.relay().networks()).extracting(Cidr::toString).containsExactly("127.0.0.0/8", "0:0:0:0:0:0:0:1/128");
  }

  @Test
  void impossibleListenAddressesAreRefused() {
    assertThatThrownBy(() -> load("[listen]\nsmtp = \"300.1.1.1:25\"\nimap = \"127.0.0.1:99999\"\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "listen.smtp: \"300.1.1.1\" is neither an IP address nor a name that resolves",
                        "listen.imap: must be \"address:port\" with port 0-65535, got \"127.0.0.1:99999\""));
  }

  @Test
  void httpAndHttpsAreServices() throws Exception {
    Config c = load("[listen]\nsmtp = \"127.0.0.1:25\"\nhttp = \"127.0.0.1:8080\"\nhttps = \"[::1]:8443\"\n");
    assertThat(c.listen().services()).containsOnlyKeys("smtp", "http", "https");
    assertThat(c.listen().get("https").orElseThrow().getPort()).isEqualTo(8443);
    assertThat(c.listen().warnings()).isEmpty();
  }

  @Test
  void logSectionIsValidated() {
    assertThatThrownBy(
            () -> load("[log]\nformat = \"xml\"\nlevel = \"loud\"\nfile = \"p.log\"\nsyslog = \"localhost\"\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "log.format: must be \"text\" or \"json\", got \"xml\"",
                        "log.syslog: give log.file or log.syslog, not both",
                        "log.level: must be one of error, warn, info, debug, trace, got \"loud\""));
  }

  @Test
  void aListenTableWithOnlySomeKeysDisablesTheOthers() throws Exception {
    Config c = load("[listen]\nsmtp = \"127.0.0.1:2525\"\n");
    assertThat(c.listen().services()).containsOnlyKeys("smtp");
  }

  @Test
  void everyErrorIsReportedWithItsKey() {
    assertThatThrownBy(
            () ->
                load(
                    """
                    hostname = "bad host"
                    colour = "blue"
                    [listen]
                    smtp = "nowhere"
                    [relay]
                    networks = ["10.0.0.0/33", "banana"]
                    [limits]
                    message_size = "lots"
                    recipients = 0
                    idle_timeout = "5 fortnights"
                    [queue]
                    retry = ["5m", "-1"]
                    [tls]
                    certificate = "missing.pem"
                    """))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .anyMatch(p -> p.startsWith("hostname: "))
                    .anyMatch(p -> p.equals("colour: unknown key"))
                    .anyMatch(p -> p.startsWith("listen.smtp: "))
                    .anyMatch(p -> p.startsWith("relay.networks: \"10.0.0.0/33\""))
                    .anyMatch(p -> p.startsWith("relay.networks: \"banana\""))
                    .anyMatch(p -> p.startsWith("limits.message_size: "))
                    .anyMatch(p -> p.startsWith("limits.recipients: must be between 1 and"))
                    .anyMatch(p -> p.startsWith("limits.idle_timeout: "))
                    .anyMatch(p -> p.startsWith("queue.retry: \"-1\""))
                    .anyMatch(p -> p.startsWith("tls.private_key: "))
                    .anyMatch(p -> p.startsWith("tls.certificate: cannot read")));
  }

  @Test
  void tomlSyntaxErrorsNameTheLine() {
    assertThatThrownBy(() -> load("hostname = \"x\"\n[listen\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems().getFirst()).contains(":2:"));
  }

  @Test
  void sizesAndDurations() throws Exception {
    Config c = load("[limits]\nmessage_size = \"25M\"\nidle_timeout = \"90s\"\n[queue]\nretry = [\"30s\", \"2m\", \"1h\"]\nmax_lifetime = \"2d\"\n");
    assertThat(c.limits().messageSize()).isEqualTo(25L << 20);
    assertThat(c.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.queue().retry()).containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofHours(1));
    assertThat(c.queue().maxLifetime()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void commandDeadlineDefaultsToFiveMinutesAndIsBounded() throws Exception {
    assertThat(load("").limits().commandDeadline()).isEqualTo(Duration.ofMinutes(5));
    assertThat(load("[limits]\ncommand_deadline = \"90s\"\n").limits().commandDeadline()).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> load("[limits]\ncommand_deadline = \"2h\"\n"))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.problems()).anyMatch(p -> p.startsWith("limits.command_deadline: ")));
  }

  @Test
  void recipientDelimiterDefaultsToPlusAndMayBeTurnedOff() throws Exception {
    assertThat(load("").delivery().recipientDelimiter()).isEqualTo("+");
    assertThat(load("[delivery]\nrecipient_delimiter = \"-\"\n").delivery().recipientDelimiter()).isEqualTo("-");
    assertThat(load("[delivery]\nrecipient_delimiter = \"\"\n").delivery().recipientDelimiter()).isEmpty();
    for (String bad : new String[] {"++", "a", "@", " "}) {
      assertThatThrownBy(() -> load("[delivery]\nrecipient_delimiter = \"" + bad + "\"\n"))
          .isInstanceOfSatisfying(ConfigException.class,
              e -> assertThat(e.problems()).anyMatch(p -> p.startsWith("delivery.recipient_delimiter: must be one")));
    }
  }

  @Test
  void configCheckCommandListsEveryErrorAndFails() throws Exception {
    Path f = dir.resolve("bad.toml");
    Files.writeString(f, "[limits]\nrecipients = -1\nerrors = \"x\"\n");
    StringWriter out = new StringWriter(), err = new StringWriter();
    int rc = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "config", "check", "--config", f.toString());
    assertThat(rc).isNotZero();
    assertThat(err.toString()).contains("limits.recipients").contains("limits.errors");
    Path good = dir.resolve("good.toml");
    Files.writeString(good, "hostname = \"mx.example.test\"\n");
    rc = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "config", "check", "--config", good.toString());
    assertThat(rc).isZero();
    assertThat(out.toString()).contains("config ok");
  }
  @Test
  void keysAreSplitAsTomljSplitsThem() {
    for (String k : new String[] {"hostname", "listen.smtp", "archive.domain_retention", "a-b.c_d.9", "spam.actions.add_header"}) {
      assertThat(ConfigReader.split(k)).isEqualTo(org.tomlj.Toml.parseDottedKey(k));
    }
    // anything but bare words joined by dots is tomlj's to parse: quoted parts, spaces around the dots
    assertThat(ConfigReader.split("transport.\"example.com\"")).containsExactly("transport", "example.com");
    assertThat(ConfigReader.split("a . b")).containsExactly("a", "b");
    assertThatThrownBy(() -> ConfigReader.split("a..b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHostnameThatIsNotAStringIsAnError() {
    assertThatThrownBy(() -> load("hostname = 42\n"))
        .isInstanceOfSatisfying(ConfigException.class,
            e -> assertThat(e.problems()).anyMatch(p -> p.startsWith("hostname: must be a string")));
  }
}
