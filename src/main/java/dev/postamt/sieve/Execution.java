package dev.postamt.sieve;

import dev.postamt.mime.HeaderText;
import dev.postamt.sieve.SieveMessage.Header;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one run of a script for one message: variables, match values, the internal flags of
 * imap4flags, header edits, the actions so far, and the step and time budget. Commands and tests read
 * and change it; one Execution belongs to one thread.
 */
public final class Execution {
  /** Match variables kept: RFC 5229 asks for ${0}..${9}; Pigeonhole keeps more. */
  static final int MAX_MATCH_VALUES = 64;
  /** The highest match variable a script may name (Pigeonhole: ${32}). */
  static final int MAX_MATCH_INDEX = 32;

  private final SieveScript script;
  private SieveMessage message;
  private SieveEnvelope envelope;
  private final SieveEnvironment environment;
  private SieveLimits limits;
  private ResultBuilder result;
  private final long deadline;
  private final Map<Object, Object> extensionState = new HashMap<>();
  final List<String> log = new ArrayList<>();
  private Map<String, String> variables = new HashMap<>();
  private Map<String, String> globals = new HashMap<>();
  private java.util.Set<String> globalNames = new java.util.HashSet<>();
  private boolean returning;
  private List<String> matchValues = List.of();
  private List<String> flags = List.of();
  private List<Header> editedHeaders;
  private boolean matchVariables;
  private long steps;
  boolean stopped;

  Execution(SieveScript script, SieveMessage message, SieveEnvelope envelope, SieveEnvironment environment,
      SieveLimits limits) {
    this.script = script;
    this.message = message;
    this.envelope = envelope;
    this.environment = environment;
    this.limits = limits;
    this.result = new ResultBuilder(limits);
    this.deadline = System.nanoTime() + limits.maxRunTime().toNanos();
    this.matchVariables = script.requires("variables");
  }

  public SieveMessage message() {
    return message;
  }

  public SieveEnvelope envelope() {
    return envelope;
  }

  /**
   * Replaces the message and envelope the rest of the run sees, dropping header edits. For test
   * harnesses and tools that run one script over several messages.
   */
  public void replaceMessage(SieveMessage m, SieveEnvelope e) {
    message = m;
    envelope = e;
    editedHeaders = null;
  }

  public SieveEnvironment environment() {
    return environment;
  }

  public SieveLimits limits() {
    return limits;
  }

  public ResultBuilder result() {
    return result;
  }

  /** Per-run state of an extension, keyed by something the extension owns. */
  public Map<Object, Object> state() {
    return extensionState;
  }

  public void log(String line) {
    log.add(line);
  }

  /** What the run logged so far (errors that did not stop it start with "error: "). */
  public List<String> logLines() {
    return java.util.Collections.unmodifiableList(log);
  }

  /** Counts one step; fails the run when the step or time budget is spent. */
  public void step() throws SieveRuntimeException {
    if (++steps > limits.maxSteps()) {
      throw new SieveRuntimeException(null, "execution exceeded the step limit (" + limits.maxSteps() + ")");
    }
    if ((steps & 0xff) == 0 && System.nanoTime() - deadline > 0) {
      throw new SieveRuntimeException(null, "execution exceeded the CPU time limit (" + limits.maxRunTime() + ")");
    }
  }

  // Variables (RFC 5229)

  public String variable(String name) {
    String v = scopeOf(name).get(unqualified(name));
    return v == null ? "" : v;
  }

  /** At most {@code max} UTF-8 bytes of {@code s}, cut at a character boundary (RFC 5229 §6). */
  static String truncateUtf8(String s, int max) {
    if (s.length() * 3L <= max) {
      return s;
    }
    int bytes = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > max) {
        return s.substring(0, i);
      }
      bytes += n;
      i += Character.charCount(cp);
    }
    return s;
  }

  private Map<String, String> scopeOf(String name) {
    return name.startsWith("global.") || globalNames.contains(name) ? globals : variables;
  }

  private static String unqualified(String name) {
    return name.startsWith("global.") ? name.substring(7) : name;
  }

  /** RFC 6609 §3.3: makes {@code name} refer to the variable shared with included scripts. */
  public void declareGlobal(String name) {
    globalNames.add(name);
  }

  /** RFC 6609 §3.4 "return": ends the current script only. */
  public void returnFromScript() {
    returning = true;
  }

  public void setVariable(String name, String value) {
    value = truncateUtf8(value, limits.maxVariableSize());
    scopeOf(name).put(unqualified(name), value);
  }

  /** Global variables shared with included scripts (RFC 6609 §3.3). */
  public Map<String, String> globals() {
    return globals;
  }

  /** Swaps the local variable scope (include); returns the previous one. */
  Map<String, String> swapVariables(Map<String, String> scope) {
    Map<String, String> old = variables;
    variables = scope;
    return old;
  }

  Map<String, String> variables() {
    return variables;
  }

  public String matchValue(int i) {
    return i >= 0 && i < matchValues.size() ? matchValues.get(i) : "";
  }

  public List<String> matchValues() {
    return matchValues;
  }

  public boolean matchVariablesEnabled() {
    return matchVariables;
  }

  void matchVariablesEnabled(boolean on) {
    matchVariables = on;
  }

  public void setMatchValues(List<String> values) {
    matchValues = values.size() > MAX_MATCH_VALUES ? List.copyOf(values.subList(0, MAX_MATCH_VALUES)) : values;
  }

  // imap4flags internal variable (RFC 5232 §3)

  public List<String> flags() {
    return flags;
  }

  public void setFlags(List<String> f) {
    flags = List.copyOf(f);
  }

  // Headers as edited so far (RFC 5293 §6: later tests see the edits)

  public List<Header> headers() {
    return editedHeaders != null ? editedHeaders : message.headers();
  }

  /** Raw values of header {@code name}, in order, edits applied. */
  public List<String> headerValues(String name) {
    if (editedHeaders == null) {
      return message.headerValues(name);
    }
    List<String> out = new ArrayList<>(2);
    for (Header h : editedHeaders) {
      if (h.name().equalsIgnoreCase(name)) {
        out.add(h.value());
      }
    }
    return out;
  }

  /** Values of header {@code name} with RFC 2047 words decoded, as the header test compares them. */
  public List<String> decodedHeaderValues(String name) {
    List<String> raw = headerValues(name);
    List<String> out = new ArrayList<>(raw.size());
    for (String v : raw) {
      out.add(v.indexOf("=?") < 0 && isAscii(v) ? v : HeaderText.decode(v));
    }
    return out;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** The size of the message with header edits applied (RFC 5293 §6: later tests see the edits). */
  public long messageSize() {
    long size = message.size();
    if (editedHeaders != null) {
      size += headerBytes(editedHeaders) - headerBytes(message.headers());
    }
    return size;
  }

  private static long headerBytes(List<Header> hs) {
    long n = 0;
    for (Header h : hs) {
      n += h.name().length() + 2 + h.value().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2;
    }
    return n;
  }

  /** A mutable copy of the headers for editheader. */
  public List<Header> editableHeaders() {
    if (editedHeaders == null) {
      editedHeaders = new ArrayList<>(message.headers());
    }
    return editedHeaders;
  }

  // Running

  public void stop() {
    stopped = true;
  }

  public boolean stopped() {
    return stopped;
  }

  /** Runs a block; {@code if}/{@code elsif}/{@code else} chains are resolved here. */
  public void run(List<CompiledNode> block) throws SieveRuntimeException {
    boolean chainDone = true;
    for (CompiledNode n : block) {
      if (stopped || returning) {
        return;
      }
      step();
      switch (n.def.name()) {
        case "if" -> {
          chainDone = test(n.tests.get(0));
          if (chainDone) {
            run(n.block);
          }
        }
        case "elsif" -> {
          if (!chainDone) {
            chainDone = test(n.tests.get(0));
            if (chainDone) {
              run(n.block);
            }
          }
        }
        case "else" -> {
          if (!chainDone) {
            chainDone = true;
            run(n.block);
          }
        }
        default -> {
          chainDone = true;
          try {
            n.def.execute(this, n);
          } catch (SieveRuntimeException e) {
            throw e.at() == null ? new SieveRuntimeException(n.at, e.getMessage()) : e;
          }
        }
      }
    }
  }

  public boolean test(CompiledNode t) throws SieveRuntimeException {
    step();
    try {
      return t.def.test(this, t);
    } catch (SieveRuntimeException e) {
      throw e.at() == null ? new SieveRuntimeException(t.at, e.getMessage()) : e;
    }
  }

  /**
   * Applies changed limits from now on (a test harness reloading its configuration); the current
   * result keeps the limits it was started with. The run-time deadline does not move.
   */
  public void changeLimits(SieveLimits l) {
    limits = l;
  }

  /** Starts a new, empty result (test harnesses; multiscript runs). */
  public void resetResult() {
    result = new ResultBuilder(limits);
    flags = List.of();
  }

  /**
   * Runs another compiled script in this execution: its actions add to this result; it has its own
   * variables and match values. Used by include (RFC 6609) and test harnesses. A {@code stop} in it ends
   * only it.
   */
  public void runScript(SieveScript other) throws SieveRuntimeException {
    runScript(other, false);
  }

  /**
   * Runs another script as a run of its own that adds to this result: unlike {@link #runScript} it does
   * not see this run's global variables (RFC 6609 §3.3 globals belong to one run). For test harnesses.
   */
  public void runSeparately(SieveScript other) throws SieveRuntimeException {
    Map<String, String> saved = globals;
    globals = new HashMap<>();
    try {
      runScript(other, false);
    } finally {
      globals = saved;
    }
  }

  /** Runs an included script (RFC 6609): like {@link #runScript} but a stop in it ends everything. */
  public void include(SieveScript other) throws SieveRuntimeException {
    runScript(other, true);
  }

  private void runScript(SieveScript other, boolean included) throws SieveRuntimeException {
    Map<String, String> saved = swapVariables(new HashMap<>());
    java.util.Set<String> savedGlobals = globalNames;
    globalNames = new java.util.HashSet<>();
    List<String> savedMatch = matchValues;
    boolean savedEnabled = matchVariables;
    matchVariables = other.requires("variables");
    try {
      run(other.commands());
    } finally {
      if (!included) {
        stopped = false;
      }
      returning = false;
      globalNames = savedGlobals;
      swapVariables(saved);
      matchValues = savedMatch;
      matchVariables = savedEnabled;
    }
  }

  /** The actions as they stand, with the implicit keep if it is still due. */
  public List<SieveAction> currentActions() {
    return result.finish(flags);
  }

  /** Clears a {@code stop} (test harnesses that run several tests in one script). */
  public void resume() {
    stopped = false;
  }

  SieveScript script() {
    return script;
  }
}
