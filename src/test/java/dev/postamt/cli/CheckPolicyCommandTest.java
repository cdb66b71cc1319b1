package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.policy.SqliteGreylistStore;
import dev.postamt.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt check policy}: each list's checks with their answers and reasons, the live greylist read only. */
class CheckPolicyCommandTest {
  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private String config() throws Exception {
    Files.writeString(dir.resolve("zone.txt"), """
        sender.example. MX 10 mx.sender.example.
        1.2.0.192.zen.example.test. A 127.0.0.2
        """);
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, """
        hostname = "mx.example.test"
        data_dir = "data"
        [dns]
        zone_file = "zone.txt"
        [greylist]
        enabled = true
        [dnsbl]
        sites = ["zen.example.test"]
        """);
    assertThat(run("domain", "add", "example.test", "--config", cfg.toString()).status()).isZero();
    assertThat(run("user", "add", "bob@example.test", "--password", "x", "--config", cfg.toString()).status()).isZero();
    return cfg.toString();
  }

  @Test
  void aListedClientIsRefusedAtTheClientListAndEveryListIsShown() throws Exception {
    String cfg = config();
    CliRun r = run("check", "policy", "--ip", "192.0.2.1", "--helo", "mail.sender.example", "--mail-from", "a@sender.example",
        "--rcpt", "bob@example.test", "--config", cfg);
    assertThat(r.status()).isZero();
    assertThat(r.out().lines())
        .contains("client: permit_mynetworks: dunno (192.0.2.1 is not in relay.networks)")
        .anySatisfy(l -> assertThat(l).startsWith("client: check_dnsbl: reject 554 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.example.test"))
        .anySatisfy(l -> assertThat(l).startsWith("helo: reject_non_fqdn_helo_hostname: dunno"))
        .anySatisfy(l -> assertThat(l).startsWith("recipient: check_greylist: defer 450 4.2.0"))
        .contains("data: (empty list)");
    assertThat(r.out().lines().toList().getLast())
        .isEqualTo("result: reject at client by check_dnsbl: 554 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.example.test");
    assertThat(dir.resolve("data").resolve(SqliteGreylistStore.FILE_NAME)).as("nothing written").doesNotExist();
  }

  @Test
  void theLiveGreylistIsReadNotWritten() throws Exception {
    String cfg = config();
    Path data = dir.resolve("data");
    try (SqliteGreylistStore s = SqliteGreylistStore.open(data)) {
      Instant long_ago = Instant.now().minusSeconds(3600);
      s.start("192.0.2.0/24/a@sender.example/bob@example.test", long_ago);
    }
    CliRun r = run("check", "policy", "--ip", "192.0.2.9", "--helo", "mail.sender.example", "--mail-from", "a@sender.example",
        "--rcpt", "bob@example.test", "--config", cfg);
    // 3600 s ago, give or take the second the clock may turn while the command runs
    assertThat(r.out()).containsPattern("recipient: check_greylist: dunno \\(retried after 360[01]s: greylisting passed\\)");
    assertThat(r.out().lines().toList().getLast()).isEqualTo("result: accept");
    try (SqliteGreylistStore s = SqliteGreylistStore.open(data)) {
      assertThat(s.lookup("192.0.2.0/24/a@sender.example/bob@example.test", "192.0.2.0/24").triplet().orElseThrow().passed())
          .as("a dry run records no pass").isFalse();
    }
  }

  @Test
  void aBadAddressIsAUsageError() throws Exception {
    CliRun r = run("check", "policy", "--ip", "not-an-ip", "--rcpt", "bob@example.test", "--config", config());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("--ip: \"not-an-ip\" is not an IP address");
  }

  @Test
  void anAccessMapHitIsShownWithFileKeyAndAction() throws Exception {
    String cfg = config();
    Files.writeString(dir.resolve("senders"), "sender.example REJECT 5.7.9 not from you\n");
    Files.writeString(Path.of(cfg), Files.readString(Path.of(cfg)) + "[policy]\nsender = [\"check_sender_access hash:senders\"]\n");
    CliRun r = run("check", "policy", "--ip", "192.0.2.9", "--helo", "mail.sender.example", "--mail-from", "a@sender.example",
        "--rcpt", "bob@example.test", "--config", cfg);
    assertThat(r.out().lines()).contains("sender: check_sender_access hash:" + dir.resolve("senders")
        + ": reject 554 5.7.9 <a@sender.example>: Sender address rejected: not from you (" + dir.resolve("senders")
        + ": sender.example REJECT 5.7.9 not from you)");
  }

  @Test
  void configCheckNamesEachBadTableLine() throws Exception {
    String cfg = config();
    Files.writeString(dir.resolve("senders"), "# senders\na@x.example OK\nb@x.example REJEKT\n");
    Files.writeString(Path.of(cfg), Files.readString(Path.of(cfg)) + "[policy]\nsender = [\"check_sender_access hash:senders\"]\n");
    CliRun r = run("config", "check", "--config", cfg);
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err().lines()).containsExactly("postamt: config: policy: " + dir.resolve("senders") + ":3: unknown action \"REJEKT\"");
  }
}
