package dev.postamt.sieve;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the lexer, parser, compiler and interpreter: any text must compile or give a
 * {@link SieveCompileException}, and a compiled script must run to a result, never throw, hang or
 * overflow the stack. In regression mode (the normal build) it runs the seeds in
 * {@code src/test/resources/.../SieveParserFuzzTestInputs}.
 */
class SieveParserFuzzTest {
  private static final SieveCompiler COMPILER = dev.postamt.sieve.ext.Extensions.standardCompiler();
  private static final SieveMessage MESSAGE = MimeSieveMessage.parse(
      "From: a@example.org\r\nTo: b@example.net\r\nSubject: [SPAM] hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));

  @FuzzTest(maxDuration = "30s")
  void compileAndRun(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    SieveScript script;
    try {
      script = COMPILER.compile("fuzz", text);
    } catch (SieveCompileException expected) {
      for (Diagnostic d : expected.errors()) {
        if (d.at().line() < 1 || d.at().column() < 1) {
          throw new AssertionError("error without a position: " + d);
        }
      }
      return;
    }
    SieveResult r = Interpreter.run(script, MESSAGE, new SieveEnvelope("a@example.org", "b@example.net", null, null),
        SieveEnvironment.DEFAULT, SieveLimits.DEFAULTS.withMaxSteps(10_000));
    if (r.actions().isEmpty() && r.implicitKeep()) {
      throw new AssertionError("implicit keep without a keep action");
    }
  }
}
