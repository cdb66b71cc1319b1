package dev.postamt.sieve;

import dev.postamt.sieve.SyntaxTree.Position;
import java.util.List;
import java.util.Set;

/**
 * What a command's compile-time check may ask and report: the required capabilities of the script being
 * compiled, and errors or warnings at a position.
 */
public final class Checker {
  private final Set<String> required;
  private final List<Diagnostic> diagnostics;
  private final SieveLimits limits;
  private final ScriptLoader loader;
  private final SieveCompiler compiler;
  int includeDepth;
  /** Scripts included in this compilation by "location:name"; null while one is being compiled. */
  java.util.Map<String, SieveScript> included = new java.util.HashMap<>();

  Checker(Set<String> required, List<Diagnostic> diagnostics, SieveLimits limits, ScriptLoader loader,
      SieveCompiler compiler) {
    this.required = required;
    this.diagnostics = diagnostics;
    this.limits = limits;
    this.loader = loader;
    this.compiler = compiler;
  }

  public boolean requires(String extension) {
    return required.contains(extension);
  }

  public void error(Position at, String message) {
    diagnostics.add(Diagnostic.error(at, message));
  }

  public void warning(Position at, String message) {
    diagnostics.add(new Diagnostic(at, message, true));
  }

  public SieveLimits limits() {
    return limits;
  }

  public ScriptLoader loader() {
    return loader;
  }

  public SieveCompiler compiler() {
    return compiler;
  }

  /**
   * Compiles a script named by include, one level deeper, once per compilation. Returns a lookup that
   * gives the compiled script when the run reaches the include; a script that includes itself (directly
   * or not) is allowed only with {@code :once} (RFC 6609 §3.2), else it is reported as circular.
   */
  public java.util.function.Supplier<SieveScript> compileIncluded(SyntaxTree.Position at, String key, String name,
      String text, boolean once) {
    java.util.Map<String, SieveScript> shared = included;
    if (shared.containsKey(key)) {
      if (shared.get(key) == null && !once) {
        error(at, "circular include of script '" + name + "'");
        return null;
      }
      return () -> shared.get(key);
    }
    if (includeDepth + 1 > limits.maxIncludeDepth()) {
      error(at, "include nesting is too deep (more than " + limits.maxIncludeDepth() + " levels) at script '" + name + "'");
      return null;
    }
    shared.put(key, null);
    try {
      shared.put(key, compiler.compile(name, text, includeDepth + 1, shared));
      return () -> shared.get(key);
    } catch (SieveCompileException e) {
      for (Diagnostic d : e.errors()) {
        error(at, "in included script '" + name + "': " + d);
      }
      error(at, "failed to compile included script '" + name + "'");
      return null;
    }
  }

  private final java.util.Set<String> reported = new java.util.HashSet<>();

  /** Marks {@code key} for the rest of this compilation (a local variable seen, ...); true when new. */
  public boolean mark(String key) {
    return reported.add(key);
  }

  public boolean isMarked(String key) {
    return reported.contains(key);
  }

  /** How many keys starting with {@code prefix} are marked. */
  public int marked(String prefix) {
    int n = 0;
    for (String k : reported) {
      n += k.startsWith(prefix) ? 1 : 0;
    }
    return n;
  }

  /** Scripts included so far in this compilation, at every level (Pigeonhole's sieve_include_max_includes). */
  public int includedScripts() {
    return included == null ? 0 : included.size();
  }

  /** Whether the script "location:name" is already part of this compilation. */
  public boolean isIncluded(String key) {
    return included != null && included.containsKey(key);
  }

  public int includeDepth() {
    return includeDepth;
  }
}
