package dev.postamt.sieve;

/**
 * One command or test of the language, as an extension provides it: its name and signature, the checks
 * beyond the signature done at compile time, and what it does when the script runs. Implementations are
 * stateless; all per-run state lives in {@link Execution}, so a compiled script runs concurrently.
 */
public interface SieveCommand {
  /** Whether this is an action/control command or a test. */
  enum Kind { COMMAND, TEST }

  String name();

  Kind kind();

  Signature signature();

  /** Checks beyond the signature; report problems through {@code c.error(...)}. */
  default void check(Checker c, CompiledNode n) {}

  /** Runs a command. */
  default void execute(Execution x, CompiledNode n) throws SieveRuntimeException {
    throw new SieveRuntimeException(n.at(), name() + " cannot be executed");
  }

  /** Evaluates a test. */
  default boolean test(Execution x, CompiledNode n) throws SieveRuntimeException {
    throw new SieveRuntimeException(n.at(), name() + " is not a test");
  }

  /** A phrase for messages: "the header test", "the fileinto command". */
  default String describe() {
    return "the " + name() + (kind() == Kind.TEST ? " test" : " command");
  }
}
