package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
  }

  @Test
  void addListRemove() {
    assertThat(cli.ok("domain", "list").lines()).isEmpty();
    assertThat(cli.ok("domain", "add", "Example.TEST").out()).isEqualTo("added domain example.test\n");
    cli.ok("domain", "add", "b.test");
    assertThat(cli.ok("domain", "list").lines()).containsExactly("b.test", "example.test");
    assertThat(cli.ok("domain", "remove", "b.test").out()).isEqualTo("removed domain b.test\n");
    assertThat(cli.ok("domain", "list").lines()).containsExactly("example.test");
  }

  @Test
  void errorsAreOneLineOnStderrWithNonZeroStatus() {
    cli.ok("domain", "add", "b.test");
    CliFixture.Result dup = cli.run("domain", "add", "b.test");
    assertThat(dup.status()).isEqualTo(1);
    assertThat(dup.out()).isEmpty();
    assertThat(dup.err()).isEqualTo("postamt: domain b.test already exists\n");

    CliFixture.Result bad = cli.run("domain", "add", "not_a.domain");
    assertThat(bad.status()).isNotZero();
    assertThat(bad.err()).contains("\"not_a.domain\" is not a domain name: ");

    CliFixture.Result missing = cli.run("domain", "remove", "nope.test");
    assertThat(missing.status()).isNotZero();
    assertThat(missing.err()).startsWith("postamt: domain nope.test is not a local domain");
  }

  @Test
  void aDomainWithUsersIsNotRemoved() {
    cli.ok("domain", "add", "b.test");
    cli.ok("user", "add", "a@b.test", "--password", "pw");
    CliFixture.Result r = cli.run("domain", "remove", "b.test");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("still has 1 user (a@b.test)").doesNotContain("\tat ");
    assertThat(cli.ok("domain", "list").lines()).containsExactly("b.test");
  }

  @Test
  void missingArgumentIsAUsageError() {
    CliFixture.Result r = cli.run("domain", "add");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("NAME");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String[] cmd : new String[][] {{"domain", "add"}, {"user", "passwd"}, {"alias", "remove"}}) {
      CliFixture.Result r = cli.run(cmd[0], cmd[1], "--help");
      assertThat(r.status()).isZero();
      assertThat(r.out()).startsWith("Usage: postamt " + cmd[0] + " " + cmd[1]);
    }
  }

  @Test
  void aMissingExplicitConfigIsReported() {
    int status = Main.run(
        new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(new java.io.StringWriter()),
        "domain", "list", "--config", tmp.resolve("absent.toml").toString());
    assertThat(status).isEqualTo(1);
  }
}
