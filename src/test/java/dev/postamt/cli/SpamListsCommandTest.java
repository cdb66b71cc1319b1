package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.AdminException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code postamt spam lists show|add|remove}, run as the {@code lists} command itself (it is registered
 * under {@code spam} where that command lives), with the command line's error handling.
 */
class SpamListsCommandTest {
  @TempDir Path dir;
  CliFixture cli;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(dir);
    Files.writeString(cli.config, "[spam]\nwhitelist_from = [\"*@partner.example\"]\n", java.nio.file.StandardOpenOption.APPEND);
    cli.ok("domain", "add", "example.test");
    cli.ok("user", "add", "bob@example.test", "--password", "pw");
  }

  CliFixture.Result lists(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(cli.config.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new SpamListsCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("postamt: " + (ex instanceof AdminException ? ex.getMessage() : Main.describe(ex)));
      return 1;
    });
    cl.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("postamt: " + ex.getMessage());
      return 2;
    });
    int status = cl.execute(all.toArray(String[]::new));
    return new CliFixture.Result(status, out.toString(), err.toString());
  }

  @Test
  void addShowRemoveGlobalAndPerUser() {
    CliFixture.Result add = lists("add", "blacklist_from", "@Spam.example");
    assertThat(add.status()).as(add.err()).isZero();
    assertThat(add.out().strip()).isEqualTo("Added blacklist_from *@spam.example for everyone");
    assertThat(lists("add", "blacklist_from", "*@spam.example").out().strip())
        .isEqualTo("blacklist_from *@spam.example is already there for everyone");
    assertThat(lists("add", "--user", "Bob@example.test", "whitelist_from", "*@friends.example").out().strip())
        .isEqualTo("Added whitelist_from *@friends.example for bob@example.test");

    CliFixture.Result global = lists("show");
    assertThat(global.lines()).containsExactly(
        "whitelist_from  *@partner.example                        (config)",
        "blacklist_from  *@spam.example                           (global)",
        "-- 2 entries");
    CliFixture.Result bob = lists("show", "--user", "bob@example.test");
    assertThat(bob.out()).contains("whitelist_from  *@friends.example", "(bob@example.test)",
        "-- bob@example.test has written to 0 addresses");

    assertThat(lists("remove", "--user", "bob@example.test", "whitelist_from", "*@friends.example").out().strip())
        .isEqualTo("Removed whitelist_from *@friends.example for bob@example.test");
    assertThat(lists("show", "--user", "bob@example.test").out()).doesNotContain("friends.example");
  }

  @Test
  void mistakesAreOneLineErrors() {
    CliFixture.Result kind = lists("add", "whitelist", "*@x.example");
    assertThat(kind.status()).isEqualTo(1);
    assertThat(kind.err().strip()).isEqualTo("postamt: spam lists add: unknown list \"whitelist\": use whitelist_from,"
        + " whitelist_to, blacklist_from, all_spam_to or more_spam_to");
    CliFixture.Result pattern = lists("add", "whitelist_from", "a b@x.example");
    assertThat(pattern.err().strip()).startsWith("postamt: spam lists add: \"a b@x.example\" is not an address pattern");
    CliFixture.Result user = lists("add", "--user", "nobody@example.test", "whitelist_from", "*@x.example");
    assertThat(user.err().strip()).isEqualTo("postamt: user nobody@example.test does not exist");
    CliFixture.Result missing = lists("remove", "whitelist_to", "*@x.example");
    assertThat(missing.err().strip()).isEqualTo("postamt: spam lists remove: there is no whitelist_to entry *@x.example for everyone");
    CliFixture.Result config = lists("remove", "whitelist_from", "*@partner.example");
    assertThat(config.err().strip()).contains("is set in the config file ([spam] whitelist_from); change it there");
    assertThat(List.of(kind, pattern, user, missing, config)).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(1);
      assertThat(r.err().lines()).hasSize(1);
    });
  }
}
