package dev.postamt.sieve;

import java.util.List;

/**
 * The parsed form of a script (RFC 5228 §8.2): commands with arguments, tests and blocks, each with the
 * line and column where it starts. Nothing is checked beyond the grammar; {@link SieveCompiler} does that.
 */
public final class SyntaxTree {
  private SyntaxTree() {}

  /** Where something starts in the script text, 1-based. */
  public record Position(int line, int column) {
    @Override
    public String toString() {
      return line + ":" + column;
    }
  }

  /** An argument: a tag, a number, or a string list (one string is a list of one). */
  public sealed interface Argument permits Tag, Number, StringList {
    Position at();
  }

  public record Tag(String name, Position at) implements Argument {}

  public record Number(long value, Position at) implements Argument {}

  /** One string: its value after escapes and dot-unstuffing, and whether it was written {@code text:}. */
  public record StringValue(String value, Position at) {}

  /** A string list; {@code bracketed} is false for a single string written without brackets. */
  public record StringList(List<StringValue> values, boolean bracketed, Position at) implements Argument {}

  /**
   * A command or a test. For a test {@code block} is null; for a command without a block too. {@code tests}
   * holds the test of {@code if}, the tests of {@code allof(...)}, and so on.
   */
  public record Node(String name, List<Argument> arguments, List<Node> tests, List<Node> block, Position at) {}

  /** A whole script: its top-level commands. */
  public record Script(List<Node> commands) {}
}
