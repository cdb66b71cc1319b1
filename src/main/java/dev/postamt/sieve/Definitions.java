package dev.postamt.sieve;

/**
 * Small builders for command and test definitions, so an extension states its name, signature, check
 * and behaviour in one expression instead of a class per command.
 */
public final class Definitions {
  private Definitions() {}

  @FunctionalInterface
  public interface Action {
    void execute(Execution x, CompiledNode n) throws SieveRuntimeException;
  }

  @FunctionalInterface
  public interface Predicate {
    boolean test(Execution x, CompiledNode n) throws SieveRuntimeException;
  }

  @FunctionalInterface
  public interface Check {
    void check(Checker c, CompiledNode n);
  }

  private static final Check NO_CHECK = (c, n) -> {};

  public static SieveCommand command(String name, Signature sig, Action action) {
    return command(name, sig, NO_CHECK, action);
  }

  public static SieveCommand command(String name, Signature sig, Check check, Action action) {
    return new Definition(name, SieveCommand.Kind.COMMAND, sig, check, action, null);
  }

  public static SieveCommand test(String name, Signature sig, Predicate predicate) {
    return test(name, sig, NO_CHECK, predicate);
  }

  public static SieveCommand test(String name, Signature sig, Check check, Predicate predicate) {
    return new Definition(name, SieveCommand.Kind.TEST, sig, check, null, predicate);
  }

  private record Definition(String name, SieveCommand.Kind kind, Signature signature, Check checker, Action action,
      Predicate predicate) implements SieveCommand {
    @Override
    public void check(Checker c, CompiledNode n) {
      checker.check(c, n);
    }

    @Override
    public void execute(Execution x, CompiledNode n) throws SieveRuntimeException {
      action.execute(x, n);
    }

    @Override
    public boolean test(Execution x, CompiledNode n) throws SieveRuntimeException {
      return predicate.test(x, n);
    }
  }

  /** Evaluates every template of a list. */
  public static java.util.List<String> eval(Execution x, java.util.List<Template> list) {
    java.util.List<String> out = new java.util.ArrayList<>(list.size());
    for (Template t : list) {
      out.add(t.eval(x));
    }
    return out;
  }
}
