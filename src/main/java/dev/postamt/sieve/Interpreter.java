package dev.postamt.sieve;

import java.util.List;

/**
 * Runs a compiled script for one message. Never throws for anything the script or the message does: a
 * run-time error, an exceeded limit or a bug in an extension gives a failed {@link SieveResult} whose only
 * action is the keep, so the message is stored in the inbox (RFC 5228 §2.10.6).
 */
public final class Interpreter {
  private Interpreter() {}

  public static SieveResult run(SieveScript script, SieveMessage message, SieveEnvelope envelope,
      SieveEnvironment environment, SieveLimits limits) {
    Execution x = new Execution(script, message, envelope, environment, limits);
    try {
      x.run(script.commands());
      List<SieveAction> actions = x.result().finish(x.flags());
      return new SieveResult(actions, x.result().implicitKeep(), null, x.log);
    } catch (SieveRuntimeException e) {
      return SieveResult.failure(e.toString(), x.log);
    } catch (RuntimeException | StackOverflowError e) {
      return SieveResult.failure("internal error in Sieve interpreter: " + e, x.log);
    }
  }

  /**
   * Runs like {@link #run(SieveScript, SieveMessage, SieveEnvelope, SieveEnvironment, SieveLimits)} and, when
   * the run succeeds, hands {@code editedHeaders} the header fields as the script left them (RFC 5293
   * editheader): delivery stores that header section, and the next script of a sequence sees it. Fields
   * the script did not touch are the very instances of {@code message.headers()}.
   */
  public static SieveResult run(SieveScript script, SieveMessage message, SieveEnvelope envelope,
      SieveEnvironment environment, SieveLimits limits, java.util.function.Consumer<List<SieveMessage.Header>> editedHeaders) {
    Execution x = new Execution(script, message, envelope, environment, limits);
    try {
      x.run(script.commands());
      List<SieveAction> actions = x.result().finish(x.flags());
      editedHeaders.accept(x.headers());
      return new SieveResult(actions, x.result().implicitKeep(), null, x.log);
    } catch (SieveRuntimeException e) {
      return SieveResult.failure(e.toString(), x.log);
    } catch (RuntimeException | StackOverflowError e) {
      return SieveResult.failure("internal error in Sieve interpreter: " + e, x.log);
    }
  }

  /** Runs with default limits. */
  public static SieveResult run(SieveScript script, SieveMessage message, SieveEnvelope envelope,
      SieveEnvironment environment) {
    return run(script, message, envelope, environment, SieveLimits.DEFAULTS);
  }

  /** For the test suite and tools: runs into an existing execution state. */
  static Execution start(SieveScript script, SieveMessage message, SieveEnvelope envelope,
      SieveEnvironment environment, SieveLimits limits) {
    return new Execution(script, message, envelope, environment, limits);
  }
}
