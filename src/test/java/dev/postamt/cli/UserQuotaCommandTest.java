package dev.postamt.cli;

import dev.postamt.store.SqliteMailStore;
import dev.postamt.store.StoreTesting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt user quota} and {@code postamt user show}. */
class UserQuotaCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    cli.ok("domain", "add", "b.test");
    cli.ok("user", "add", "a@b.test", "--password", "x");
  }

  private Directory.UserQuota stored() throws Exception {
    try (Directory dir = Directory.open(cli.data)) {
      return dir.quota("a@b.test").orElseThrow();
    }
  }

  @Test
  void showsUnlimitedDefaultsForANewUser() {
    assertThat(cli.ok("user", "show", "A@B.test").lines()).containsExactly(
        "user: a@b.test", "storage: 0 of unlimited [default]", "messages: 0 of unlimited [default]");
  }

  @Test
  void setsStorageAndMessageLimitsAndBackToTheDefault() throws Exception {
    try (MailStore store = new SqliteMailStore(cli.data); Account a = store.open("a@b.test")) {
      StoreTesting.append(a, "INBOX", "x".repeat(1024).getBytes(StandardCharsets.US_ASCII), Set.of(), 0); // 1024 bytes
    }
    assertThat(cli.ok("user", "quota", "a@b.test", "2k", "--messages", "100").lines()).containsExactly(
        "user: a@b.test", "storage: 1024 of 2048 bytes (50%) [user]", "messages: 1 of 100 (1%) [user]");
    assertThat(stored()).isEqualTo(new Directory.UserQuota(OptionalLong.of(2048), OptionalLong.of(100)));

    cli.ok("user", "quota", "a@b.test", "unlimited"); // --messages left as it was
    assertThat(stored()).isEqualTo(new Directory.UserQuota(OptionalLong.of(0), OptionalLong.of(100)));

    cli.ok("user", "quota", "a@b.test", "none", "--messages", "none");
    assertThat(stored()).isEqualTo(Directory.UserQuota.DEFAULT);

    // the default comes from [store] in the config
    Files.writeString(cli.config, Files.readString(cli.config).replace("[listen]\n", "[listen]\n[store]\nquota = \"1M\"\n"));
    assertThat(cli.ok("user", "show", "a@b.test").lines())
        .contains("storage: 1024 of 1048576 bytes (0%) [default]", "messages: 1 of unlimited [default]");
  }

  @Test
  void badInputIsAOneLineError() {
    CliFixture.Result r = cli.run("user", "quota", "a@b.test", "lots");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("postamt: SIZE must be a size like 500M or 2G, 0, 'unlimited' or 'none', got 'lots'\n");

    r = cli.run("user", "quota", "a@b.test", "1G", "--messages", "-5");
    assertThat(r.err()).isEqualTo("postamt: --messages must be a number, 0, 'unlimited' or 'none', got '-5'\n");

    r = cli.run("user", "quota", "nobody@b.test", "1G");
    assertThat(r.err()).isEqualTo("postamt: user nobody@b.test does not exist\n");

    r = cli.run("user", "show", "nobody@b.test");
    assertThat(r.err()).isEqualTo("postamt: user nobody@b.test does not exist\n");

    r = cli.run("user", "quota", "a@b.test", "99999999999999999999T");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("postamt: SIZE must be").doesNotContain("Exception");
  }

  @Test
  void badConfigQuotaNamesTheKey() throws Exception {
    Files.writeString(cli.config, Files.readString(cli.config) + "[store]\nquota = \"huge\"\nquota_messages = -1\n");
    CliFixture.Result r = cli.run("config", "check");
    assertThat(r.status()).isNotZero();
    assertThat(r.err()).contains("store.quota: must be a size").contains("store.quota_messages: must be between 0 and");
  }
}
