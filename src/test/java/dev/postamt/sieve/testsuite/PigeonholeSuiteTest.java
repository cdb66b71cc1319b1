package dev.postamt.sieve.testsuite;

import static org.junit.jupiter.api.Assertions.fail;

import dev.postamt.sieve.Interpreter;
import dev.postamt.sieve.Parser;
import dev.postamt.sieve.SieveCompileException;
import dev.postamt.sieve.SieveCompiler;
import dev.postamt.sieve.SieveResult;
import dev.postamt.sieve.SieveScript;
import dev.postamt.sieve.SyntaxTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * Runs Pigeonhole's test suite (src/test/resources/sieve/pigeonhole, LGPL, see SOURCE.txt) against our
 * Sieve implementation: one dynamic test per {@code test "..." {}} block. Tests of extensions we do not
 * implement are aborted with the reason, so the counts are honest; tests listed in
 * pigeonhole-known-failures.txt are aborted as "known failure" with their message (a new failure breaks the
 * build, a fixed one should be removed from the list). The per-extension summary is printed and written to
 * target/sieve-pigeonhole-summary.txt.
 */
class PigeonholeSuiteTest {
  static final Path ROOT = resourceRoot();
  static final Map<String, int[]> SUMMARY = new ConcurrentHashMap<>();
  static final java.util.Set<String> FAILING = ConcurrentHashMap.newKeySet();
  /** Tests known to fail today ("file [test name]"); they are reported, not hidden, and do not break the build. */
  static final java.util.Set<String> KNOWN_FAILURES = knownFailures();

  static java.util.Set<String> knownFailures() {
    try (var in = PigeonholeSuiteTest.class.getResourceAsStream("/sieve/pigeonhole-known-failures.txt")) {
      if (in == null) {
        return java.util.Set.of();
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).collect(java.util.stream.Collectors.toSet());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Path resourceRoot() {
    try {
      return Path.of(PigeonholeSuiteTest.class.getResource("/sieve/pigeonhole/tests").toURI());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The extension a test file belongs to: its directory under extensions/, else "core". */
  static String group(Path file) {
    Path rel = ROOT.relativize(file);
    if (rel.getNameCount() > 3 && rel.getName(1).toString().equals("vnd.dovecot")) {
      return "vnd.dovecot." + rel.getName(2);
    }
    if (rel.getNameCount() > 2 && rel.getName(0).toString().equals("extensions")) {
      return rel.getName(1).toString();
    }
    if (rel.getName(0).toString().equals("plugins")) {
      return "plugin " + rel.getName(1);
    }
    if (rel.getName(0).toString().equals("multiscript")) {
      return "multiscript";
    }
    return "core";
  }

  @TestFactory
  Stream<DynamicNode> pigeonhole() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.walk(ROOT)) {
      files = s.filter(p -> p.toString().endsWith(".svtest")).sorted().toList();
    }
    return files.stream().map(this::file);
  }

  private DynamicNode file(Path file) {
    String group = group(file);
    String rel = ROOT.relativize(file).toString();
    String text;
    List<String> names = new ArrayList<>();
    try {
      text = Files.readString(file);
      for (SyntaxTree.Node n : Parser.parse(text, dev.postamt.sieve.SieveLimits.DEFAULTS).commands()) {
        if (n.name().equals("test") && !n.arguments().isEmpty()
            && n.arguments().get(0) instanceof SyntaxTree.StringList l) {
          names.add(l.values().get(0).value());
        }
      }
    } catch (Exception e) {
      return DynamicTest.dynamicTest(rel, () -> record(group, false, false, false, "parse: " + e.getMessage()));
    }
    SieveCompiler compiler = dev.postamt.sieve.ext.Extensions.standardCompiler().with(List.of(TestsuiteExtension.extension(), TestsuiteExtension.debug()));
    TestsuiteState state = new TestsuiteState(file.getParent(), compiler);
    String abort = null;
    String fileFailure = null;
    String capability = switch (group) {
      case "core", "multiscript" -> "";
      case "spamvirustest" -> "spamtest";
      case "metadata" -> "mboxmetadata";
      default -> group.startsWith("plugin ") ? "vnd.dovecot." + group.substring(7) : group;
    };
    if (!capability.isEmpty() && !compiler.capabilities().contains(capability)) {
      abort = "extension " + capability + " not implemented";
    } else try {
      SieveScript script = compiler.withLoader(state.loader()).compile(rel, text);
      SieveResult r = Interpreter.run(script, state.parsed, state.envelope, state, state.limits());
      if (r.failed()) {
        fileFailure = "run: " + r.error();
      }
    } catch (SieveCompileException e) {
      Matcher m = java.util.regex.Pattern.compile("unknown Sieve capability '([^']*)'").matcher(e.getMessage());
      if (m.find()) {
        abort = "extension " + m.group(1) + " not implemented";
      } else {
        fileFailure = "compile: " + e.getMessage();
      }
    }
    List<DynamicNode> tests = new ArrayList<>();
    int k = 0;
    for (String name : names) {
      TestsuiteState.Outcome outcome = null;
      for (TestsuiteState.Outcome o : state.outcomes) {
        if (o.name().equals(name)) {
          outcome = o;
          state.outcomes.remove(o);
          break;
        }
      }
      String why = abort != null ? abort
          : outcome != null && outcome.failure() != null && outcome.failure().startsWith("ABORT ") ? outcome.failure().substring(6) : null;
      String failure = why != null ? null
          : outcome != null ? outcome.failure() : fileFailure != null ? fileFailure : "test block did not run";
      if (why == null && rel.startsWith("failures/")) {
        // Pigeonhole runs failures/ with -F: every block must fail cleanly (a test_fail, a run-time or
        // compile error), never crash the implementation.
        failure = failure != null && !failure.startsWith("exception:") ? null
            : "expected to fail cleanly (Pigeonhole's -F) but " + (failure == null ? "passed" : failure);
      }
      String key = rel + " [" + name + "]";
      String shown = failure == null ? null : key + " " + failure;
      boolean known = KNOWN_FAILURES.contains(key);
      tests.add(DynamicTest.dynamicTest(name.isEmpty() ? "test " + k : name, () -> {
        if (why != null) {
          record(group, false, true, false, why);
        }
        if (shown != null) {
          FAILING.add(key);
        }
        if (shown == null && known) {
          // Keep the list honest: a listed test that passes now must come off it.
          record(group, false, false, false, key + " passes now: remove it from pigeonhole-known-failures.txt");
        }
        record(group, shown == null, false, known, shown);
      }));
      k++;
    }
    return DynamicContainer.dynamicContainer(rel, tests);
  }

  private static void record(String group, boolean passed, boolean aborted, boolean known, String message) {
    int[] c = SUMMARY.computeIfAbsent(group, g -> new int[4]);
    synchronized (c) {
      c[passed ? 0 : aborted ? 2 : known ? 3 : 1]++;
    }
    if (aborted) {
      throw new TestAbortedException(message);
    }
    if (!passed && known) {
      throw new TestAbortedException("known failure: " + message);
    }
    if (!passed) {
      fail(message);
    }
  }

  private static String line(String name, int[] c) {
    return String.format("  %-24s %4d/%-4d (known failures %d, new failures %d, not implemented %d)%n", name, c[0],
        c[0] + c[1] + c[2] + c[3], c[3], c[1], c[2]);
  }

  @AfterAll
  static void summary() throws Exception {
    StringBuilder b = new StringBuilder(
        "Pigeonhole test suite, per extension: passed/total (known failures, new failures, not implemented)\n");
    int[] total = new int[4];
    for (Map.Entry<String, int[]> e : new TreeMap<>(SUMMARY).entrySet()) {
      int[] c = e.getValue();
      b.append(line(e.getKey(), c));
      for (int i = 0; i < 4; i++) {
        total[i] += c[i];
      }
    }
    b.append(line("TOTAL", total));
    System.out.print(b);
    Path out = Path.of("target", "sieve-pigeonhole-summary.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, b.toString());
    Files.write(Path.of("target", "sieve-pigeonhole-failing.txt"), new java.util.TreeSet<>(FAILING));
  }
}
