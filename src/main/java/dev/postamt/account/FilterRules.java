package dev.postamt.account;

import dev.postamt.directory.Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule builder's model and its Sieve: a list of rules "when FIELD contains (or is) TEXT, do
 * ACTION", written as one readable script (RFC 5228) with a comment header and one {@code if} per
 * rule, and read back from that same script. The builder owns only scripts it wrote itself: {@link
 * #read} accepts a text exactly when writing its rules again gives the same text, so a script that
 * was edited by hand (or written by another program) is never half-understood and rewritten.
 *
 * <p>Strings are Sieve quoted strings (RFC 5228 §2.4.2): a backslash and a double quote are escaped
 * with a backslash, anything else (non-ASCII included) stays as it is in UTF-8. Tests that compare
 * with {@code :contains} and {@code :is} use the default comparator {@code i;ascii-casemap} (RFC 5228
 * §2.7.3): letters A-Z match without regard to case.
 */
public final class FilterRules {
  /** The name the builder stores its script under. */
  public static final String SCRIPT_NAME = "postamt-rules";
  /** How many rules one script holds. */
  public static final int MAX_RULES = 100;
  /** The longest text or argument a rule takes. */
  public static final int MAX_TEXT = 200;

  static final String HEADER = "# Postamt rules: made by the rule builder on the Account page (Filters).\n"
      + "# Change them there; if you edit this script by hand the builder shows the raw editor instead.\n";

  private FilterRules() {}

  /** What a rule looks at. */
  public enum Field {
    FROM("From", true, "\"from\""),
    TO("To or Cc", true, "[\"to\", \"cc\"]"),
    SUBJECT("Subject", false, "\"subject\"");

    final String label;
    final boolean addresses;
    final String headers;

    Field(String label, boolean addresses, String headers) {
      this.label = label;
      this.addresses = addresses;
      this.headers = headers;
    }

    /**
     * The test for {@code match}: "is" on an address field compares the address alone (RFC 5228 §5.1
     * {@code address}), so that {@code Boss <boss@example.org>} is boss@example.org; "contains" looks at
     * the whole header, display name included.
     */
    String test(Match match) {
      return addresses && match == Match.IS ? "address" : "header";
    }

    public String label() {
      return label;
    }
  }

  /** How the text is compared. */
  public enum Match {
    CONTAINS("contains"),
    IS("is");

    final String label;

    Match(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** What a rule does with a message that matches. */
  public enum Action {
    /** RFC 5228 §4.1 fileinto, with RFC 5490 {@code :create} so that a missing folder is made. */
    FILEINTO("Move to folder", "folder"),
    /** RFC 5232 addflag {@code \\Flagged}: the message still goes to the inbox, flagged. */
    FLAG("Flag it", ""),
    /** RFC 5228 §4.2 redirect with RFC 3894 {@code :copy}: forwarded, and a copy kept. */
    FORWARD("Forward a copy to", "address"),
    /** RFC 5228 §4.5 discard: the message is dropped silently. */
    DISCARD("Delete it", "");

    final String label;
    final String argument;

    Action(String label, String argument) {
      this.label = label;
      this.argument = argument;
    }

    public String label() {
      return label;
    }

    /** What the argument is ({@code folder}, {@code address}), or empty when the action takes none. */
    public String argument() {
      return argument;
    }
  }

  /** One rule; {@code argument} is the folder or address, empty for the actions without one. */
  public record Rule(Field field, Match match, String text, Action action, String argument) {
    /** The rule in words, for the list on the page. */
    public String describe() {
      return "When " + field.label + " " + match.label + " \u201c" + text + "\u201d: " + action.label
          + (argument.isEmpty() ? "" : " " + argument);
    }
  }

  /** A rule the form asked for, or the message of what is wrong with it and which field it concerns. */
  public sealed interface Parsed permits Valid, Invalid {}

  public record Valid(Rule rule) implements Parsed {}

  public record Invalid(String field, String message) implements Parsed {}

  /** Checks a rule as a person typed it (the field names are those of the form). */
  public static Parsed parse(String field, String match, String text, String action, String argument) {
    Field f = lookup(Field.class, field);
    Match m = lookup(Match.class, match);
    Action a = lookup(Action.class, action);
    if (f == null) {
      return new Invalid("field", "Choose what the rule looks at.");
    }
    if (m == null) {
      return new Invalid("match", "Choose how to compare.");
    }
    String textProblem = textProblem(text, "The text");
    if (textProblem != null) {
      return new Invalid("text", textProblem);
    }
    if (a == null) {
      return new Invalid("action", "Choose what to do.");
    }
    String arg = argument == null ? "" : argument.strip();
    switch (a) {
      case FILEINTO -> {
        String p = textProblem(arg, "The folder name");
        if (p != null) {
          return new Invalid("argument", p);
        }
        if (arg.startsWith("/") || arg.endsWith("/") || arg.contains("//") || arg.startsWith(".")) {
          return new Invalid("argument", "A folder name does not start with \"/\" or \".\", end with \"/\", or contain \"//\".");
        }
      }
      case FORWARD -> {
        if (!Address.isValid(arg) || arg.length() > MAX_TEXT || arg.indexOf('"') >= 0 || arg.indexOf('\\') >= 0) {
          return new Invalid("argument", "Enter the address to forward to, like name@example.org.");
        }
      }
      case FLAG, DISCARD -> arg = "";
    }
    return new Valid(new Rule(f, m, text.strip(), a, arg));
  }

  private static String textProblem(String text, String what) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return what + " is empty.";
    }
    if (t.length() > MAX_TEXT) {
      return what + " is longer than " + MAX_TEXT + " characters.";
    }
    if (t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return what + " may not contain line breaks or control characters.";
    }
    return null;
  }

  private static <E extends Enum<E>> E lookup(Class<E> type, String name) {
    if (name == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(name.strip())) {
        return e;
      }
    }
    return null;
  }

  /** The script for {@code rules}: the header, the require line the actions need, one {@code if} per rule. */
  public static String write(List<Rule> rules) {
    Set<String> require = new LinkedHashSet<>();
    for (Rule r : rules) {
      switch (r.action()) {
        case FILEINTO -> {
          require.add("fileinto");
          require.add("mailbox");
        }
        case FLAG -> require.add("imap4flags");
        case FORWARD -> require.add("copy");
        case DISCARD -> { }
      }
    }
    StringBuilder b = new StringBuilder(HEADER);
    if (!require.isEmpty()) {
      List<String> quoted = require.stream().map(FilterRules::quote).toList();
      b.append("require [").append(String.join(", ", quoted)).append("];\n");
    }
    int n = 1;
    for (Rule r : rules) {
      b.append("\n# rule ").append(n++).append(": ").append(r.describe().replace('\n', ' ')).append('\n');
      b.append("if ").append(r.field().test(r.match())).append(" :").append(r.match().name().toLowerCase(Locale.ROOT)).append(' ')
          .append(r.field().headers).append(' ').append(quote(r.text())).append(" {\n  ");
      b.append(switch (r.action()) {
        case FILEINTO -> "fileinto :create " + quote(r.argument()) + ";";
        case FLAG -> "addflag \"\\\\Flagged\";";
        case FORWARD -> "redirect :copy " + quote(r.argument()) + ";";
        case DISCARD -> "discard;";
      });
      b.append("\n}\n");
    }
    return b.toString();
  }

  /** A Sieve quoted string (RFC 5228 §2.4.2). */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static final Pattern IF = Pattern.compile(
      "^if (?:header|address) :(contains|is) (\"from\"|\\[\"to\", \"cc\"\\]|\"subject\") (\"(?:[^\"\\\\]|\\\\.)*\") \\{$");
  private static final Pattern ACTION = Pattern.compile(
      "^  (?:(fileinto) :create (\"(?:[^\"\\\\]|\\\\.)*\")|(redirect) :copy (\"(?:[^\"\\\\]|\\\\.)*\")|(addflag) \"\\\\\\\\Flagged\"|(discard));$");

  /**
   * The rules of a script the builder wrote, or empty when {@code script} is anything else (written or
   * edited by hand, by another program, or by a newer builder).
   */
  public static Optional<List<Rule>> read(String script) {
    if (script == null || !script.startsWith(HEADER)) {
      return Optional.empty();
    }
    List<Rule> rules = new ArrayList<>();
    String[] lines = script.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = IF.matcher(lines[i]);
      if (!m.matches()) {
        continue;
      }
      if (i + 1 >= lines.length) {
        return Optional.empty();
      }
      Matcher a = ACTION.matcher(lines[i + 1]);
      if (!a.matches()) {
        return Optional.empty();
      }
      Field f = switch (m.group(2)) {
        case "\"from\"" -> Field.FROM;
        case "\"subject\"" -> Field.SUBJECT;
        default -> Field.TO;
      };
      Match match = m.group(1).equals("is") ? Match.IS : Match.CONTAINS;
      Action action;
      String arg = "";
      if (a.group(1) != null) {
        action = Action.FILEINTO;
        arg = unquote(a.group(2));
      } else if (a.group(3) != null) {
        action = Action.FORWARD;
        arg = unquote(a.group(4));
      } else if (a.group(5) != null) {
        action = Action.FLAG;
      } else {
        action = Action.DISCARD;
      }
      rules.add(new Rule(f, match, unquote(m.group(3)), action, arg));
    }
    // Only a text the builder itself would write is the builder's: anything added, removed or reworded
    // by hand makes the round trip differ.
    return write(rules).equals(script) ? Optional.of(List.copyOf(rules)) : Optional.empty();
  }

  private static String unquote(String quoted) {
    String s = quoted.substring(1, quoted.length() - 1);
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        c = s.charAt(++i);
      }
      b.append(c);
    }
    return b.toString();
  }
}
