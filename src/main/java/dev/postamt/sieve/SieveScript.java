package dev.postamt.sieve;

import java.util.List;
import java.util.Set;

/**
 * A compiled script: checked, immutable, safe to cache and to run for many messages at once. Compile
 * once per upload with {@link SieveCompiler}; run per delivery with {@link Interpreter#run}.
 */
public final class SieveScript {
  private final String name;
  private final List<CompiledNode> commands;
  private final Set<String> required;
  private final List<Diagnostic> warnings;

  SieveScript(String name, List<CompiledNode> commands, Set<String> required, List<Diagnostic> warnings) {
    this.name = name;
    this.commands = List.copyOf(commands);
    this.required = Set.copyOf(required);
    this.warnings = List.copyOf(warnings);
  }

  public String name() {
    return name;
  }

  List<CompiledNode> commands() {
    return commands;
  }

  /** The capabilities the script requires. */
  public Set<String> required() {
    return required;
  }

  public boolean requires(String extension) {
    return required.contains(extension);
  }

  public List<Diagnostic> warnings() {
    return warnings;
  }
}
