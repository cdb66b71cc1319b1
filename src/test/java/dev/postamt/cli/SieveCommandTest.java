package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SqliteSieveScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt sieve put|get|list|activate|delete|check}. */
class SieveCommandTest {
  static final String SCRIPT = "require \"fileinto\";\nif header :contains \"Subject\" \"[list]\" {\n  fileinto \"Lists\";\n}\n";
  static final String BROKEN = "require \"fileinto\";\nfileinto \"a\"\nkeep;\nredirect;\n";

  @TempDir Path tmp;
  CliFixture cli;
  Path script;
  Path broken;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliFixture(tmp);
    cli.ok("domain", "add", "example.test");
    cli.ok("user", "add", "alice@example.test", "--password", "x");
    script = Files.writeString(tmp.resolve("lists.sieve"), SCRIPT);
    broken = Files.writeString(tmp.resolve("broken.sieve"), BROKEN);
  }

  @Test
  void putListGetActivateDelete() throws Exception {
    assertThat(cli.ok("sieve", "list", "alice@example.test").lines()).containsExactly("alice@example.test has no Sieve scripts");
    assertThat(cli.ok("sieve", "put", "Alice@Example.test", "lists", script.toString()).lines())
        .containsExactly("stored script lists of alice@example.test");
    assertThat(cli.ok("sieve", "put", "alice@example.test", "main", script.toString(), "--activate").lines())
        .containsExactly("stored script main of alice@example.test (active)");
    assertThat(cli.ok("sieve", "list", "alice@example.test").lines()).containsExactly("lists", "main (active)");
    assertThat(cli.ok("sieve", "get", "alice@example.test", "lists").out()).isEqualTo(SCRIPT);

    assertThat(cli.ok("sieve", "activate", "alice@example.test", "lists").lines())
        .containsExactly("script lists of alice@example.test is active now");
    try (SqliteSieveScripts s = SqliteSieveScripts.open(cli.data)) {
      assertThat(s.active("alice@example.test").orElseThrow().name()).isEqualTo("lists");
    }
    CliFixture.Result r = cli.run("sieve", "delete", "alice@example.test", "lists");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("postamt: script lists is active; deactivate it first\n");

    assertThat(cli.ok("sieve", "activate", "alice@example.test", "--none").lines())
        .containsExactly("no script of alice@example.test is active now");
    assertThat(cli.ok("sieve", "list", "alice@example.test").lines()).containsExactly("lists", "main", "(none is active)");
    assertThat(cli.ok("sieve", "delete", "alice@example.test", "lists").lines())
        .containsExactly("deleted script lists of alice@example.test");
    assertThat(cli.ok("sieve", "list", "alice@example.test").lines()).containsExactly("main", "(none is active)");
  }

  @Test
  void listShowsTheLastRunError() throws Exception {
    cli.ok("sieve", "put", "alice@example.test", "main", script.toString(), "--activate");
    try (SqliteSieveScripts s = SqliteSieveScripts.open(cli.data)) {
      s.recordError("alice@example.test",
          new SieveScripts.LastError(Instant.parse("2026-12-04T10:00:00Z"), "main", "3:3: fileinto: mailbox is full"));
    }
    assertThat(cli.ok("sieve", "list", "alice@example.test").lines())
        .containsExactly("main (active)", "last error 2026-12-04T10:00:00Z in main: 3:3: fileinto: mailbox is full");
  }

  @Test
  void aBrokenScriptIsRefusedWithFileLineColumn() throws Exception {
    CliFixture.Result r = cli.run("sieve", "put", "alice@example.test", "broken", broken.toString(), "--activate");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo(
        broken + ":2:1: missing semicolon ';' after fileinto command\n"
            + broken + ":4:1: the redirect command requires 1 positional argument(s), but 0 is/are specified\n"
            + "postamt: " + broken + " does not compile; nothing stored\n");
    assertThat(r.out()).isEmpty();
    assertThat(cli.ok("sieve", "list", "alice@example.test").lines()).containsExactly("alice@example.test has no Sieve scripts");
  }

  @Test
  void checkPrintsErrorsOneALineAndExitsOne() throws Exception {
    CliFixture.Result ok = cli.runAsGiven("sieve", "check", script.toString());
    assertThat(ok.status()).isZero();
    assertThat(ok.out()).isEmpty();
    assertThat(ok.err()).isEmpty();

    CliFixture.Result bad = cli.runAsGiven("sieve", "check", broken.toString());
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err().lines()).containsExactly(
        broken + ":2:1: missing semicolon ';' after fileinto command",
        broken + ":4:1: the redirect command requires 1 positional argument(s), but 0 is/are specified");

    Path warn = Files.writeString(tmp.resolve("warn.sieve"), "if header :is \"bad name:\" \"x\" { keep; }\n");
    CliFixture.Result w = cli.runAsGiven("sieve", "check", warn.toString());
    assertThat(w.status()).isZero();
    assertThat(w.err()).startsWith(warn + ":1:").contains("warning: ");

    // include :personal finds x.sieve next to the file, as sievec does
    Path main = Files.writeString(tmp.resolve("main.sieve"), "require \"include\";\ninclude :personal \"lists\";\n");
    assertThat(cli.runAsGiven("sieve", "check", main.toString()).status()).isZero();
  }

  @Test
  void badInputIsAOneLineError() throws Exception {
    CliFixture.Result r = cli.run("sieve", "list", "nobody@example.test");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("postamt: user nobody@example.test does not exist\n");

    r = cli.run("sieve", "put", "nobody@example.test", "x", script.toString());
    assertThat(r.err()).isEqualTo("postamt: user nobody@example.test does not exist\n");

    r = cli.run("sieve", "put", "alice@example.test", "x", tmp.resolve("missing.sieve").toString());
    assertThat(r.err()).isEqualTo("postamt: cannot read " + tmp.resolve("missing.sieve") + ": no such file\n");

    Path latin1 = tmp.resolve("latin1.sieve");
    Files.write(latin1, "# caf\u00e9\nkeep;\n".getBytes(StandardCharsets.ISO_8859_1));
    r = cli.run("sieve", "put", "alice@example.test", "x", latin1.toString());
    assertThat(r.err()).isEqualTo("postamt: " + latin1 + " is not UTF-8 text; Sieve scripts must be UTF-8 (RFC 5228)\n");
    r = cli.runAsGiven("sieve", "check", latin1.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("is not UTF-8 text");

    r = cli.run("sieve", "put", "alice@example.test", "a/b", script.toString());
    assertThat(r.err()).isEqualTo("postamt: invalid script name \"a/b\": a script name must not contain \"/\"\n");

    r = cli.run("sieve", "get", "alice@example.test", "nope");
    assertThat(r.err()).isEqualTo("postamt: alice@example.test has no Sieve script named \"nope\"\n");
    r = cli.run("sieve", "activate", "alice@example.test", "nope");
    assertThat(r.err()).isEqualTo("postamt: there is no script named nope\n");
    r = cli.run("sieve", "delete", "alice@example.test", "nope");
    assertThat(r.err()).isEqualTo("postamt: there is no script named nope\n");

    r = cli.run("sieve", "activate", "alice@example.test");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).isEqualTo(
        "postamt: give the NAME of the script to activate, or --none (see 'postamt sieve activate --help')\n");
    r = cli.run("sieve", "activate", "alice@example.test", "x", "--none");
    assertThat(r.status()).isEqualTo(2);
  }
}
