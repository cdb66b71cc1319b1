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

  public int includeDepth() {
    return includeDepth;
  }
}
