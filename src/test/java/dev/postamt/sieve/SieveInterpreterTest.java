package dev.postamt.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.sieve.SieveAction.FileInto;
import dev.postamt.sieve.SieveAction.Keep;
import dev.postamt.sieve.SieveAction.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The compile/run API as delivery will use it: results, implicit keep, conflicts, failures, limits. */
class SieveInterpreterTest {
  static final SieveCompiler COMPILER = dev.postamt.sieve.ext.Extensions.standardCompiler();
  static final SieveMessage MESSAGE = MimeSieveMessage.parse(("From: Alice <alice+news@example.org>\r\n"
      + "To: bob@example.net\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= [list]\r\nMessage-ID: <1@example.org>\r\n"
      + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello there\r\n").getBytes(StandardCharsets.UTF_8));
  static final SieveEnvelope ENVELOPE = new SieveEnvelope("alice+news@example.org", "bob@example.net", null, null);

  static SieveResult run(String script) throws SieveCompileException {
    return Interpreter.run(COMPILER.compile("t", script), MESSAGE, ENVELOPE, SieveEnvironment.DEFAULT);
  }

  @Test
  void emptyScriptKeepsImplicitly() throws Exception {
    SieveResult r = run("");
    assertThat(r.actions()).containsExactly(new Keep(List.of()));
    assertThat(r.implicitKeep()).isTrue();
    assertThat(r.failed()).isFalse();
  }

  @Test
  void fileintoCancelsImplicitKeepAndCopyDoesNot() throws Exception {
    assertThat(run("require \"fileinto\"; fileinto \"Lists\";").actions())
        .containsExactly(new FileInto("Lists", List.of(), false, null, false));
    assertThat(run("require [\"fileinto\", \"copy\"]; fileinto :copy \"Lists\";").actions())
        .containsExactly(new FileInto("Lists", List.of(), false, null, true), new Keep(List.of()));
  }

  @Test
  void headerTestsSeeDecodedText() throws Exception {
    SieveResult r = run("require \"fileinto\"; if header :contains \"subject\" \"Grüße\" { fileinto \"de\"; }");
    assertThat(r.actions()).containsExactly(new FileInto("de", List.of(), false, null, false));
  }

  @Test
  void matchVariablesSubaddressAndFlags() throws Exception {
    SieveResult r = run("""
        require ["fileinto", "variables", "subaddress", "imap4flags"];
        if address :detail :matches "from" "*" { set "list" "${1}"; }
        if header :matches "subject" "* [*]" { addflag "\\\\Seen"; fileinto "${list}.${2}"; }
        """);
    assertThat(r.actions()).containsExactly(new FileInto("news.list", List.of("\\Seen"), false, null, false));
  }

  @Test
  void redirectsAreLimitedAndDeduplicated() throws Exception {
    assertThat(run("redirect \"a@example.com\"; redirect \"a@example.com\";").actions())
        .containsExactly(new Redirect("a@example.com", false));
    SieveResult r = run("redirect \"a@x.org\"; redirect \"b@x.org\"; redirect \"c@x.org\"; redirect \"d@x.org\"; redirect \"e@x.org\";");
    assertThat(r.failed()).isTrue();
    assertThat(r.actions()).containsExactly(new Keep(List.of()));
  }

  @Test
  void rejectConflictsWithKeepAndTheMessageIsKept() throws Exception {
    SieveResult r = run("require \"reject\"; keep; reject \"no\";");
    assertThat(r.failed()).isTrue();
    assertThat(r.error()).contains("1:25").contains("reject action conflicts with earlier keep action");
    assertThat(r.actions()).containsExactly(new Keep(List.of()));
    assertThat(run("require \"reject\"; reject \"no\";").actions()).containsExactly(new SieveAction.Reject("no"));
  }

  @Test
  void aRunawayScriptStopsAtTheStepLimitAndKeeps() throws Exception {
    SieveScript s = COMPILER.compile("t", "require \"variables\";" + "if string :matches \"${x}\" \"*a*a*\" {}".repeat(200));
    SieveResult r = Interpreter.run(s, MESSAGE, ENVELOPE, SieveEnvironment.DEFAULT, SieveLimits.DEFAULTS.withMaxSteps(100));
    assertThat(r.failed()).isTrue();
    assertThat(r.error()).contains("step limit");
    assertThat(r.actions()).containsExactly(new Keep(List.of()));
  }

  @Test
  void compileErrorsNameLineAndColumn() {
    assertThatThrownBy(() -> COMPILER.compile("t", "fileinto \"x\";\nif header :frob \"a\" \"b\" {}\n"))
        .isInstanceOf(SieveCompileException.class)
        .hasMessageContaining("1:1: unknown command 'fileinto' (missing require \"fileinto\"?)")
        .hasMessageContaining("2:11: unknown tagged argument ':frob' for the header test");
    assertThatThrownBy(() -> COMPILER.compile("t", "require \"frobnicate\";"))
        .hasMessageContaining("1:9: require command: unknown Sieve capability 'frobnicate'");
    assertThatThrownBy(() -> COMPILER.compile("t", "require \"comparator-i;ascii-numeric\"; if header :contains :comparator \"i;ascii-numeric\" \"a\" \"1\" {}"))
        .hasMessageContaining("does not support the :contains match type");
  }

  @Test
  void vacationRepliesOnlyWhenDue() throws Exception {
    String script = "require \"vacation\"; vacation :days 2 :addresses \"bob@example.net\" \"Away\";";
    SieveResult r = run(script);
    assertThat(r.actions()).hasSize(2);
    SieveAction.Vacation v = (SieveAction.Vacation) r.actions().get(0);
    assertThat(v.recipient()).isEqualTo("alice+news@example.org");
    assertThat(v.period()).isEqualTo(Duration.ofDays(2));
    assertThat(v.subject()).isEqualTo("Auto: Grüße [list]");
    assertThat(v.inReplyTo()).isEqualTo("<1@example.org>");
    SieveEnvironment seen = new SieveEnvironment() {
      @Override
      public boolean vacationSent(String sender, String handle, Duration period) {
        return true;
      }
    };
    assertThat(v.due()).isTrue();
    SieveResult again = Interpreter.run(COMPILER.compile("t", script), MESSAGE, ENVELOPE, seen);
    assertThat(((SieveAction.Vacation) again.actions().get(0)).suppressed()).startsWith("already replied");
  }

  @Test
  void oneCompiledScriptRunsConcurrently() throws Exception {
    SieveScript s = COMPILER.compile("t", """
        require ["fileinto", "variables", "body"];
        if body :contains "hello" { set "f" "greetings"; }
        if header :matches "to" "*@*" { fileinto "${f}-${2}"; }
        """);
    List<Future<SieveResult>> results = new ArrayList<>();
    try (var pool = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 200; i++) {
        results.add(pool.submit(() -> Interpreter.run(s, MESSAGE, ENVELOPE, SieveEnvironment.DEFAULT)));
      }
    }
    for (Future<SieveResult> f : results) {
      assertThat(f.get().actions()).containsExactly(new FileInto("greetings-example.net", List.of(), false, null, false));
    }
  }
}
