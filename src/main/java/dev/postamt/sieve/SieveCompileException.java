package dev.postamt.sieve;

import java.util.List;
import java.util.stream.Collectors;

/** A script that does not compile, with every error found (up to {@link SieveLimits#maxErrors()}). */
public final class SieveCompileException extends Exception {
  private final List<Diagnostic> errors;

  public SieveCompileException(List<Diagnostic> errors) {
    super(errors.stream().map(Diagnostic::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<Diagnostic> errors() {
    return errors;
  }
}
