package dev.postamt.routing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One right-hand-side element of an aliases file, an {@code :include:} file or a {@code .forward} file,
 * with the syntax of Postfix aliases(5) and local(8):
 *
 * <pre>
 *   user@example.org      an address (local addresses are expanded further)
 *   user                  a bare local name: same domain as the address being expanded
 *   &#92;user  &#92;user@dom  that user's mailbox, not expanded further (Sendmail/Postfix backslash rule)
 *   |command  "|cmd arg"  a pipe to a command
 *   /path/to/file         appended to a file (mbox)
 *   :include:/path        more targets read from that file
 * </pre>
 *
 * Elements are separated by commas or newlines; double quotes keep commas and blanks inside one element.
 */
sealed interface AliasTarget {
  /** A full address, local part as written, domain lower case. */
  record Address(String address) implements AliasTarget {}

  /** A name without {@code @}, qualified with the domain of the address being expanded. */
  record LocalName(String name) implements AliasTarget {}

  /** {@code \name} or {@code \name@domain}: deliver to this user's mailbox and stop. */
  record Verbatim(String name) implements AliasTarget {}

  record Pipe(String command) implements AliasTarget {}

  record FileTarget(Path path) implements AliasTarget {}

  record Include(Path path) implements AliasTarget {}

  /**
   * Parses a comma/newline separated list. Elements that are malformed are passed to {@code problem}
   * (with a description) and left out; the rest still count.
   */
  static List<AliasTarget> parseList(String text, Consumer<String> problem) {
    List<AliasTarget> out = new ArrayList<>();
    for (String raw : split(text, problem)) {
      AliasTarget t = parse(raw, problem);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** One element, already split and unquoted; null (after reporting) when malformed. */
  static AliasTarget parse(String element, Consumer<String> problem) {
    String e = element.strip();
    if (e.isEmpty()) {
      return null;
    }
    if (e.startsWith("|")) {
      String cmd = e.substring(1).strip();
      if (cmd.isEmpty()) {
        problem.accept("empty command in \"" + e + "\"");
        return null;
      }
      return new Pipe(cmd);
    }
    if (e.regionMatches(true, 0, ":include:", 0, 9)) {
      String p = e.substring(9).strip();
      if (!p.startsWith("/")) {
        problem.accept(":include: needs an absolute path, got \"" + e + "\"");
        return null;
      }
      return new Include(Path.of(p).normalize());
    }
    if (e.startsWith("/")) {
      return new FileTarget(Path.of(e).normalize());
    }
    if (e.startsWith("\\")) {
      String name = e.substring(1).strip();
      if (name.isEmpty() || !plausible(name)) {
        problem.accept("\"" + e + "\" is not a valid \\user target");
        return null;
      }
      return new Verbatim(name.toLowerCase(java.util.Locale.ROOT));
    }
    if (!plausible(e)) {
      problem.accept("\"" + e + "\" is not an address, |command, /file or :include:/file");
      return null;
    }
    int at = e.lastIndexOf('@');
    if (at < 0) {
      return new LocalName(e.toLowerCase(java.util.Locale.ROOT));
    }
    return new Address(e.substring(0, at) + "@" + e.substring(at + 1).toLowerCase(java.util.Locale.ROOT));
  }

  /** Names and addresses: printable, no blanks, at most one @ with something on both sides. */
  private static boolean plausible(String s) {
    if (s.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == ',' || c == '"' || c == '<' || c == '>')) {
      return false;
    }
    int at = s.indexOf('@');
    if (at < 0) {
      return true;
    }
    return at > 0 && at < s.length() - 1 && s.indexOf('@', at + 1) < 0;
  }

  /** Splits at commas and newlines outside double quotes, removing the quotes. */
  private static List<String> split(String text, Consumer<String> problem) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
        cur.append('"');
        i++;
      } else if (!quoted && (c == ',' || c == '\n' || c == '\r')) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      problem.accept("unbalanced double quote in \"" + text.strip() + "\"");
      return out; // drop the unterminated element rather than guess where it ends
    }
    out.add(cur.toString());
    return out;
  }
}
