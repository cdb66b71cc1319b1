package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt alias mask …}: make, list, switch off and on, remove; one-line errors. */
class MaskCommandTest {
  @TempDir Path tmp;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    cli.ok("domain", "add", "example.test");
    cli.ok("user", "add", "a@example.test", "--password", "pw");
  }

  @Test
  void makeListDisableEnableRemove() {
    String mask = cli.ok("alias", "mask", "A@example.test", "--label", "Shop").out().strip();
    assertThat(mask).matches("shop\\.[a-z2-9]{10}@example\\.test");
    String other = cli.ok("alias", "mask", "a@example.test", "--label", "news").out().strip();
    assertThat(other).isNotEqualTo(mask);
    assertThat(cli.ok("alias", "mask", "list", "a@example.test").lines())
        .hasSize(2).anyMatch(l -> l.startsWith(mask + " on shop "));
    assertThat(cli.ok("alias", "mask", "disable", mask).out()).startsWith(mask + " off shop ");
    assertThat(cli.ok("alias", "mask", "list", "a@example.test").lines()).anyMatch(l -> l.startsWith(mask + " off "));
    assertThat(cli.ok("alias", "mask", "enable", mask).out()).startsWith(mask + " on ");
    assertThat(cli.ok("alias", "mask", "remove", mask).out()).isEqualTo("removed masked address " + mask + "\n");
    assertThat(cli.ok("alias", "mask", "list", "a@example.test").lines()).hasSize(1).allMatch(l -> l.startsWith(other + " on "));
    // the user goes, and the masks with them
    cli.ok("user", "remove", "a@example.test");
    assertThat(cli.run("alias", "mask", "disable", other).err()).isEqualTo("postamt: " + other + " is no masked address\n");
  }

  @Test
  void errorsAreOneLine() {
    CliFixture.Result noUser = cli.run("alias", "mask", "nobody@example.test", "--label", "x");
    assertThat(noUser.status()).isEqualTo(1);
    assertThat(noUser.err()).isEqualTo("postamt: user nobody@example.test does not exist\n");
    CliFixture.Result noLabel = cli.run("alias", "mask", "a@example.test");
    assertThat(noLabel.status()).isEqualTo(2);
    assertThat(noLabel.err()).contains("--label");
    CliFixture.Result badLabel = cli.run("alias", "mask", "a@example.test", "--label", "!!!");
    assertThat(badLabel.err()).startsWith("postamt: a masked address needs a label").doesNotContain("\tat ");
    assertThat(cli.run("alias", "mask", "remove", "x@example.test").err())
        .isEqualTo("postamt: x@example.test is no masked address\n");
  }
}
