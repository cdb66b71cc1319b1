package dev.postamt.filter;

import java.io.IOException;

/**
 * One part of the content scan. A check reads the {@link ScanInput} and adds what it finds to the
 * {@link Findings}. It must not throw for any message, however malformed (that is input, not an error);
 * a list or database that does not answer is skipped and logged, never a reason to add a symbol. An
 * {@link IOException} means local trouble (the token database cannot be read) and defers the message.
 *
 * <p>Checks run in a fixed order; a later check (the meta rules) can see the symbols of earlier ones
 * through {@link Findings#has}.
 */
@FunctionalInterface
public interface Check {
  void check(ScanInput input, Findings out) throws IOException;
}
