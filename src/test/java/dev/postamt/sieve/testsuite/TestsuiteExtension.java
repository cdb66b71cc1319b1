package dev.postamt.sieve.testsuite;

import static dev.postamt.sieve.Definitions.command;
import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveCompileException;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.SieveScript;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Pigeonhole's "vnd.dovecot.testsuite" commands, implemented over Postamt's interpreter so that
 * Pigeonhole's own .svtest scripts judge it. The semantics follow Pigeonhole's tests/ and doc; this is
 * test code only.
 */
final class TestsuiteExtension {
  private TestsuiteExtension() {}

  /** A test needs a file outside the copied tests/ tree (Pigeonhole's examples/): not judged. */
  static final class MissingData extends RuntimeException {
    MissingData(String message) {
      super(message);
    }
  }

  static TestsuiteState state(Execution x) {
    return (TestsuiteState) x.environment();
  }

  static SieveExtension extension() {
    Signature none = Signature.builder().build();
    Signature oneString = Signature.builder().arg(Type.STRING, "value").build();
    Signature message = Signature.builder().tag(new TagSpec("smtp", Type.NONE, "source", null))
        .tag(new TagSpec("folder", Type.STRING, "source", null)).arg(Type.NUMBER, "index").build();
    Signature matchIndexed = Signature.builder().tags(Signature.MATCH_TAGS)
        .tag(TagSpec.withParameter("index", Type.NUMBER, null)).arg(Type.STRING_LIST, "key list").build();
    return SieveExtension.of("vnd.dovecot.testsuite",
        command("test", Signature.builder().arg(Type.STRING, "test name").block().build(), TestsuiteExtension::runTest),
        command("test_fail", oneString, (x, n) -> {
          throw new SieveRuntimeException(n.at(), "test_fail: " + n.string(0).eval(x));
        }),
        command("test_set", Signature.builder().arg(Type.STRING, "name").arg(Type.STRING, "value").build(),
            TestsuiteExtension::set),
        command("test_config_set", Signature.builder().arg(Type.STRING, "key").arg(Type.STRING, "value").build(),
            (x, n) -> state(x).config.put(n.string(0).eval(x), n.string(1).eval(x))),
        command("test_config_unset", oneString, (x, n) -> state(x).config.remove(n.string(0).eval(x))),
        command("test_config_reload", Signature.builder().tag(TagSpec.withParameter("extension", Type.STRING, null)).build(),
            (x, n) -> x.changeLimits(state(x).limits())),
        command("test_mailbox_create", oneString,
            (x, n) -> state(x).mailboxes.putIfAbsent(TestsuiteState.canonical(n.string(0).eval(x)), new ArrayList<>())),
        command("test_message", message, (x, n) -> {
          if (!selectMessage(x, n)) {
            throw new SieveRuntimeException(n.at(), "test_message: no such message");
          }
        }),
        test("test_message", message, TestsuiteExtension::selectMessage),
        command("test_result_reset", none, (x, n) -> {
          reset(x);
          state(x).outbox.clear();
        }),
        command("test_result_print", none, (x, n) -> {}),
        command("test_message_print", none, (x, n) -> {}),
        command("test_binary_save", oneString, (x, n) -> {
          if (state(x).compiled != null) {
            state(x).binaries.put(n.string(0).eval(x), state(x).compiled);
          }
        }),
        command("test_binary_load", oneString, (x, n) -> {
          SieveScript s = state(x).binaries.get(n.string(0).eval(x));
          if (s == null) {
            throw new SieveRuntimeException(n.at(), "test_binary_load: no such binary");
          }
          state(x).compiled = s;
        }),
        test("test_result_execute", none, (x, n) -> ResultExecutor.execute(state(x), x)),
        test("test_script_compile", oneString, TestsuiteExtension::compile),
        test("test_script_run", Signature.builder().tag(TagSpec.flag("append_result")).build(), TestsuiteExtension::run),
        test("test_multiscript", Signature.builder().arg(Type.STRING_LIST, "scripts").build(),
            TestsuiteExtension::multiscript),
        test("test_error", matchIndexed, (x, n) -> {
          List<String> errors = state(x).errors;
          return n.match().matches(x, indexed(n, errors), n.strings(0));
        }),
        test("test_result_action", matchIndexed, (x, n) -> {
          List<String> names = new ArrayList<>();
          // As Pigeonhole lists a result: the implicit keep is not one of its actions until it is executed.
          for (SieveAction a : x.result().actions()) {
            String name = actionName(a);
            if (name != null) {
              names.add(name);
            }
          }
          return n.match().matches(x, indexed(n, names), n.strings(0));
        }));
  }

  /** Pigeonhole's "vnd.dovecot.debug": debug_log writes to the run's log; some test files require it. */
  static SieveExtension debug() {
    return SieveExtension.of("vnd.dovecot.debug", command("debug_log",
        Signature.builder().arg(Type.STRING, "message").build(), (x, n) -> x.log("debug: " + n.string(0).eval(x))));
  }

  private static List<String> indexed(CompiledNode n, List<String> values) {
    if (!n.has("index")) {
      return values;
    }
    long i = n.tagNumber("index", 1);
    return i >= 1 && i <= values.size() ? List.of(values.get((int) i - 1)) : List.of();
  }

  static String actionName(SieveAction a) {
    return switch (a) {
      case SieveAction.Keep k -> "keep";
      case SieveAction.FileInto f -> "store";
      case SieveAction.Redirect r -> "redirect";
      case SieveAction.Discard d -> "discard";
      case SieveAction.Reject r -> "reject";
      case SieveAction.Ereject r -> "ereject";
      case SieveAction.Vacation v -> "vacation";
      case SieveAction.Notify v -> "notify";
      default -> null;
    };
  }

  /** A new, empty result; nothing of it executed yet. */
  static void reset(Execution x) {
    x.resetResult();
    state(x).executed.clear();
  }

  private static void runTest(Execution x, CompiledNode n) {
    TestsuiteState st = state(x);
    String name = n.string(0).eval(x);
    st.currentTest = name;
    String failure = null;
    try {
      x.run(n.block());
    } catch (SieveRuntimeException e) {
      failure = e.toString();
    } catch (MissingData e) {
      failure = "ABORT " + e.getMessage();
    } catch (RuntimeException e) {
      failure = "exception: " + e;
    }
    x.resume();
    st.outcomes.add(new TestsuiteState.Outcome(name, failure));
    st.currentTest = null;
  }

  private static void set(Execution x, CompiledNode n) throws SieveRuntimeException {
    TestsuiteState st = state(x);
    String name = n.string(0).eval(x);
    String value = n.string(1).eval(x);
    SieveEnvelope e = st.envelope;
    switch (name) {
      case "message" -> st.setMessage(value.getBytes(StandardCharsets.UTF_8));
      case "envelope.from" -> st.envelope = new SieveEnvelope(value, e.to(), e.origTo(), e.auth());
      case "envelope.to" -> st.envelope = new SieveEnvelope(e.from(), value, value, e.auth());
      case "envelope.orig_to" -> st.envelope = new SieveEnvelope(e.from(), e.to(), value, e.auth());
      case "envelope.auth" -> st.envelope = new SieveEnvelope(e.from(), e.to(), e.origTo(), value);
      default -> throw new SieveRuntimeException(n.at(), "test_set: unknown item '" + name + "'");
    }
    x.replaceMessage(st.parsed, st.envelope);
  }

  private static boolean selectMessage(Execution x, CompiledNode n) {
    TestsuiteState st = state(x);
    int i = (int) n.number(0);
    if (n.has("folder")) {
      List<TestsuiteState.Stored> box = st.mailboxes.get(TestsuiteState.canonical(n.tagString("folder").eval(x)));
      if (box == null || i < 0 || i >= box.size()) {
        return false;
      }
      st.setMessage(box.get(i).message());
      // Dovecot's attachment detection (as in Pigeonhole's test setup) adds $HasNoAttachment on save.
      List<String> flags = new ArrayList<>(box.get(i).flags());
      flags.add("$HasNoAttachment");
      x.replaceMessage(st.parsed, st.envelope);
      x.setFlags(flags);
      return true;
    } else {
      if (i < 0 || i >= st.outbox.size()) {
        return false;
      }
      TestsuiteState.Sent s = st.outbox.get(i);
      st.setMessage(s.message());
      st.envelope = new SieveEnvelope(s.envelopeFrom(), s.envelopeTo(), null, null);
    }
    x.replaceMessage(st.parsed, st.envelope);
    return true;
  }

  private static boolean compile(Execution x, CompiledNode n) {
    TestsuiteState st = state(x);
    String path = n.string(0).eval(x);
    st.compiled = null;
    st.errors = new ArrayList<>();
    String text;
    try {
      text = Files.readString(st.dir.resolve(path));
    } catch (IOException e) {
      throw new MissingData("script " + path + " is not in the copied test data");
    }
    try {
      st.compiled = st.subCompiler().compile(path, text);
      return true;
    } catch (SieveCompileException e) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(
          "unknown Sieve capability '(mime|foreverypart|extracttext|ihave|extlists|mboxmetadata|servermetadata|vnd\\.dovecot\\.[a-z.]+)'")
          .matcher(e.getMessage());
      if (m.find()) {
        // A script for an extension not required by Postamt (and not implemented): not judged.
        throw new MissingData("extension " + m.group(1) + " not implemented");
      }
      st.errors = TestsuiteState.messages(e.errors());
      // Pigeonhole's error log ends a failed compile with one more line ("validation failed"); its tests
      // count it.
      st.errors.add("script '" + path + "' failed to compile");
      return false;
    }
  }

  /**
   * Pigeonhole's multiscript run (sieve_before, the user's script, sieve_after): each script runs on a
   * result of its own; while a script ends with the message kept, its other actions are carried out and
   * the next script runs (the IMAP flags and header edits carry over); the first script that does not
   * keep, or the last one, has its whole result carried out.
   */
  private static boolean multiscript(Execution x, CompiledNode n) throws SieveRuntimeException {
    TestsuiteState st = state(x);
    List<String> paths = dev.postamt.sieve.Definitions.eval(x, n.strings(0));
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      SieveScript script;
      try {
        script = st.subCompiler().compile(path, Files.readString(st.dir.resolve(path)));
      } catch (IOException e) {
        throw new MissingData("script " + path + " is not in the copied test data");
      } catch (SieveCompileException e) {
        st.errors = TestsuiteState.messages(e.errors());
        return false;
      }
      List<String> flags = x.flags();
      reset(x);
      x.setFlags(flags);
      try {
        x.runSeparately(script);
      } catch (SieveRuntimeException e) {
        st.errors = new ArrayList<>(List.of(e.getMessage()));
        reset(x);
        ResultExecutor.execute(st, x);
        return false;
      }
      List<SieveAction> actions = x.currentActions();
      boolean keeps = actions.stream().anyMatch(a -> a instanceof SieveAction.Keep);
      if (keeps && i < paths.size() - 1) {
        if (!ResultExecutor.execute(st, x, actions.stream().filter(a -> !(a instanceof SieveAction.Keep)).toList())) {
          return false;
        }
        continue;
      }
      reset(x);
      return ResultExecutor.execute(st, x, actions);
    }
    return true;
  }

  private static boolean run(Execution x, CompiledNode n) {
    TestsuiteState st = state(x);
    if (st.compiled == null) {
      return false;
    }
    if (!n.has("append_result")) {
      reset(x);
    }
    int logged = x.logLines().size();
    try {
      x.runSeparately(st.compiled);
      st.errors = new ArrayList<>();
      for (String line : x.logLines().subList(logged, x.logLines().size())) {
        if (line.startsWith("error: ")) {
          st.errors.add(line.substring(7));
        }
      }
      return true;
    } catch (SieveRuntimeException e) {
      st.errors = new ArrayList<>(List.of(e.getMessage()));
      // As in delivery: a failed run leaves only the implicit keep.
      reset(x);
      return false;
    }
  }
}
