package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AliasCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    cli.ok("domain", "add", "b.test");
    cli.ok("user", "add", "a@b.test", "--password", "x");
  }

  @Test
  void addListRemove() {
    assertThat(cli.ok("alias", "add", "Info@b.test", "a@b.test", "Boss@Remote.test").out())
        .isEqualTo("alias info@b.test -> a@b.test, boss@remote.test\n");
    assertThat(cli.ok("alias", "add", "info@b.test", "c@remote.test").out())
        .isEqualTo("alias info@b.test -> a@b.test, boss@remote.test, c@remote.test\n");
    cli.ok("alias", "add", "@b.test", "a@b.test");
    assertThat(cli.ok("alias", "list").lines())
        .containsExactly("@b.test -> a@b.test", "info@b.test -> a@b.test, boss@remote.test, c@remote.test");
    assertThat(cli.ok("alias", "remove", "info@b.test", "boss@remote.test").out())
        .isEqualTo("alias info@b.test -> a@b.test, c@remote.test\n");
    assertThat(cli.ok("alias", "remove", "info@b.test").out()).isEqualTo("removed alias info@b.test\n");
    assertThat(cli.ok("alias", "remove", "@B.test").out()).isEqualTo("removed alias @b.test\n");
    assertThat(cli.ok("alias", "list").lines()).isEmpty();
  }

  @Test
  void errors() {
    CliFixture.Result noTarget = cli.run("alias", "add", "x@b.test");
    assertThat(noTarget.status()).isEqualTo(2);
    assertThat(noTarget.err()).contains("TARGET");

    CliFixture.Result foreign = cli.run("alias", "add", "x@c.test", "a@b.test");
    assertThat(foreign.status()).isEqualTo(1);
    assertThat(foreign.err()).contains("domain c.test is not a local domain");

    CliFixture.Result badTarget = cli.run("alias", "add", "x@b.test", "a@b.test", "nonsense");
    assertThat(badTarget.status()).isEqualTo(1);
    assertThat(badTarget.err()).contains("\"nonsense\" is not a mail address");
    assertThat(cli.ok("alias", "list").lines()).isEmpty();

    assertThat(cli.run("alias", "remove", "x@b.test").err()).isEqualTo("postamt: alias x@b.test does not exist\n");
  }
}
