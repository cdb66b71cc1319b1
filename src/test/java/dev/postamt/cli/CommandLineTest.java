package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an admin used to Postfix and Dovecot expects of the command line on the first run and every day. */
class CommandLineTest {
  @TempDir java.nio.file.Path tmp;
  CliFixture cli;
  String cfg;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    cfg = cli.config.toString();
    cli.ok("domain", "add", "b.test");
    cli.ok("user", "add", "a@b.test", "--password", "pw");
  }

  @Test
  void configMayStandAnywhere() {
    for (String[] args : List.of(
        new String[] {"--config", cfg, "user", "list"},
        new String[] {"user", "--config", cfg, "list"},
        new String[] {"user", "list", "--config", cfg},
        new String[] {"--config=" + cfg, "user", "list"})) {
      CliFixture.Result r = cli.runAsGiven(args);
      assertThat(r.status()).as(String.join(" ", args) + ": " + r.err()).isZero();
      assertThat(r.lines()).containsExactly("a@b.test");
    }
    CliFixture.Result add = cli.runAsGiven("--config", cfg, "domain", "add", "c.test");
    assertThat(add.out()).isEqualTo("added domain c.test\n");
  }

  @Test
  void helpAndVersionAsCommands() {
    CliFixture.Result help = cli.runAsGiven("help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("Usage: postamt").contains("domain").contains("user").contains("version");
    CliFixture.Result userAdd = cli.runAsGiven("help", "user", "add");
    assertThat(userAdd.status()).isZero();
    assertThat(userAdd.out()).contains("Usage: postamt user add").contains("ADDRESS").contains("--password");
    assertThat(cli.runAsGiven("--config", cfg, "help", "domain").out()).contains("Usage: postamt domain");
    CliFixture.Result nope = cli.runAsGiven("help", "frobnicate");
    assertThat(nope.status()).isEqualTo(2);
    assertThat(nope.err()).isEqualTo("postamt: no command 'frobnicate' (see 'postamt help')\n");

    CliFixture.Result version = cli.runAsGiven("version");
    assertThat(version.status()).isZero();
    assertThat(version.out()).startsWith("postamt ").isEqualTo(cli.runAsGiven("--version").out());
  }

  @Test
  void withoutPasswordATerminalIsAskedTwiceAndBothMustMatch() {
    Queue<String> typed = new ArrayDeque<>(List.of("s3cret", "s3cret"));
    List<String> prompts = new java.util.ArrayList<>();
    char[] pw = Passwords.read(null, prompt -> {
      prompts.add(prompt);
      return typed.remove().toCharArray();
    });
    assertThat(new String(pw)).isEqualTo("s3cret");
    assertThat(prompts).containsExactly("Password: ", "Password again: ");

    Queue<String> mismatch = new ArrayDeque<>(List.of("one", "two"));
    assertThatThrownBy(() -> Passwords.read(null, p -> mismatch.remove().toCharArray()))
        .isInstanceOf(CliException.class).hasMessage("the passwords do not match; nothing changed");
    assertThatThrownBy(() -> Passwords.read(null, p -> new char[0])).hasMessage("no password given");
    // no terminal (as in this test run): the option is required, nothing waits for input
    CliFixture.Result r = cli.run("user", "add", "c@b.test");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("postamt: --password is required (use '--password -' to read it from standard input)\n");
  }

  @Test
  void aSingleLabelDomainNeedsForce() {
    CliFixture.Result r = cli.run("domain", "add", "localdomain");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("postamt: \"localdomain\" is a single-label name: no other host can send mail to it")
        .endsWith("or --force\n");
    assertThat(cli.ok("domain", "list").lines()).containsExactly("b.test");
    assertThat(cli.ok("domain", "add", "localdomain", "--force").out()).isEqualTo("added domain localdomain\n");
  }

  @Test
  void aDomainStartingWithAHyphenIsNamedAsTheProblem() {
    CliFixture.Result r = cli.run("domain", "add", "-bad.test");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("postamt: \"-bad.test\" is not a domain name: a label may not start with a hyphen\n");
    CliFixture.Result separated = cli.runAsGiven("domain", "add", "--config", cfg, "--", "-bad.test");
    assertThat(separated.status()).isEqualTo(1);
    assertThat(separated.err()).isEqualTo("postamt: \"-bad.test\" is not a domain name: a label may not start with a hyphen\n");
    assertThat(cli.run("domain", "add", "a.-b.test").err()).contains("a label may not start with a hyphen");
    assertThat(cli.run("domain", "add", "b-.test").err()).contains("a label may not end with a hyphen");
    assertThat(cli.run("domain", "add", "a..test").err()).contains("empty label");
  }

  @Test
  void configCheckSaysWherePostmasterMailGoes() throws Exception {
    assertThat(cli.ok("config", "check").lines().get(1))
        .isEqualTo("postmaster: mail to postmaster (postmaster@mx.test and every local domain without its own alias)"
            + " goes to a@b.test");
    cli.ok("alias", "add", "postmaster@b.test", "boss@elsewhere.test"); // this domain's own alias wins
    assertThat(cli.ok("config", "check").lines().get(1)).endsWith("goes to a@b.test");
    java.nio.file.Path boss = tmp.resolve("boss.toml");
    Files.writeString(boss, Files.readString(cli.config) + "[queue]\npostmaster = \"boss@elsewhere.test\"\n");
    assertThat(cli.runAsGiven("config", "check", "--config", boss.toString()).lines().get(1))
        .endsWith("goes to boss@elsewhere.test (remote)");

    java.nio.file.Path fresh = tmp.resolve("fresh.toml");
    Files.writeString(fresh, "hostname = \"mx.test\"\ndata_dir = \"" + tmp.resolve("none") + "\"\n");
    CliFixture.Result r = cli.runAsGiven("config", "check", "--config", fresh.toString());
    assertThat(r.lines().get(1)).contains("goes to the first user (none yet");
    assertThat(tmp.resolve("none")).doesNotExist();
  }

  @Test
  void aBindErrorSaysWhatHappened() throws Exception {
    java.nio.file.Path notMine = tmp.resolve("notmine.toml");
    Files.writeString(notMine, "hostname = \"mx.test\"\ndata_dir = \"" + cli.data + "\"\n[listen]\nsmtp = \"192.0.2.1:2525\"\n");
    CliFixture.Result r = cli.runAsGiven("serve", "--config", notMine.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).startsWith("postamt: cannot listen on 192.0.2.1:2525 for smtp: ")
        .contains("address not available: 192.0.2.1 is not an address of this machine").doesNotContain("another")
        .doesNotContain("\tat ");

    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      java.nio.file.Path busy = tmp.resolve("busy.toml");
      Files.writeString(busy, "hostname = \"mx.test\"\ndata_dir = \"" + cli.data + "\"\n[listen]\nsmtp = \"127.0.0.1:"
          + taken.getLocalPort() + "\"\n");
      CliFixture.Result inUse = cli.runAsGiven("serve", "--config", busy.toString());
      assertThat(inUse.status()).isEqualTo(1);
      assertThat(inUse.err()).contains("already in use").contains("another program, perhaps another mail server, listens there");
    }
  }
}
