package dev.postamt.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One access table file as the {@code check_*_access} restrictions name it: {@code hash:PATH}, {@code
 * texthash:PATH} or a bare path (Postfix access(5): {@code key action}, read as plain text, no {@code
 * postmap}), {@code cidr:PATH} (cidr_table(5): {@code network/prefix action}, first match wins) or
 * {@code regexp:PATH}/{@code pcre:PATH} (regexp_table(5): {@code /pattern/flags action} or {@code
 * !/pattern/flags action}, Java regular expressions, first match wins).
 *
 * <p>Lines starting with {@code #} and empty lines are ignored; a line starting with white space
 * continues the one before (as postmap reads them). Keys of a plain table are compared case-blind.
 * Every problem is reported as {@code FILE:LINE: problem}; a table with problems is not used.
 */
public final class AccessTable {
  /** The file formats. */
  public enum Type {
    PLAIN,
    CIDR,
    REGEXP
  }

  /** What an entry says, as access(5) spells it. */
  public enum Verb {
    OK,
    DUNNO,
    REJECT,
    DEFER,
    DEFER_IF_PERMIT,
    DEFER_IF_REJECT,
    DISCARD,
    HOLD,
    PREPEND,
    REDIRECT,
    WARN,
    /** {@code 4NN text} / {@code 5NN text}: code and text as given. */
    REPLY
  }

  /**
   * @param verb the action
   * @param code the reply code of {@link Verb#REPLY} (0 for others)
   * @param enhanced the RFC 3463 code given in the text, or ""
   * @param text the optional text (the header field of PREPEND, the address of REDIRECT)
   */
  public record Action(Verb verb, int code, String enhanced, String text) {
    /** As written in a table. */
    @Override
    public String toString() {
      String head = verb == Verb.REPLY ? Integer.toString(code) : verb.name();
      String rest = (enhanced.isEmpty() ? "" : enhanced + " ") + text;
      return rest.isBlank() ? head : head + " " + rest.strip();
    }
  }

  private record CidrEntry(Cidr block, Action action) {}

  private record RegexpEntry(Pattern pattern, boolean negated, Action action) {}

  private final Type type;
  private final Path file;
  private final Map<String, Action> plain;
  private final List<CidrEntry> cidrs;
  private final List<RegexpEntry> regexps;

  private AccessTable(Type type, Path file, Map<String, Action> plain, List<CidrEntry> cidrs, List<RegexpEntry> regexps) {
    this.type = type;
    this.file = file;
    this.plain = plain;
    this.cidrs = cidrs;
    this.regexps = regexps;
  }

  public Type type() {
    return type;
  }

  public Path file() {
    return file;
  }

  /** Entries in the table. */
  public int size() {
    return plain.size() + cidrs.size() + regexps.size();
  }

  /** The type and file of {@code spec} ({@code hash:/etc/x}, {@code cidr:x}, a bare path). */
  public record Spec(Type type, String path) {
    public static Spec parse(String spec) {
      int colon = spec.indexOf(':');
      String prefix = colon < 0 ? "" : spec.substring(0, colon).toLowerCase(Locale.ROOT);
      return switch (prefix) {
        case "hash", "texthash", "btree", "lmdb" -> new Spec(Type.PLAIN, spec.substring(colon + 1));
        case "cidr" -> new Spec(Type.CIDR, spec.substring(colon + 1));
        case "regexp", "pcre" -> new Spec(Type.REGEXP, spec.substring(colon + 1));
        default -> {
          if (colon > 0 && prefix.matches("[a-z]+")) {
            throw new IllegalArgumentException("table type \"" + prefix + ":\" is not supported (use hash:, texthash:, cidr:, regexp: or pcre:)");
          }
          yield new Spec(Type.PLAIN, spec);
        }
      };
    }

    /** {@code type:path} as the restriction is shown. */
    public String render(Path resolved) {
      return switch (type) {
        case PLAIN -> "hash:";
        case CIDR -> "cidr:";
        case REGEXP -> "regexp:";
      } + resolved;
    }
  }

  /**
   * Reads and parses a table file.
   *
   * @param problems receives {@code FILE:LINE: problem} for each bad line, or {@code FILE: cannot
   *     read: …}
   * @return the table, or empty when there was any problem
   */
  public static Optional<AccessTable> read(Type type, Path file, List<String> problems) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(file + ": cannot read: " + e.getClass().getSimpleName().replace("Exception", "") + " " + e.getMessage());
      return Optional.empty();
    }
    return parse(type, file, text, problems);
  }

  /** Parses table text; see {@link #read}. */
  public static Optional<AccessTable> parse(Type type, Path file, String text, List<String> problems) {
    int before = problems.size();
    Map<String, Action> plain = new HashMap<>();
    List<CidrEntry> cidrs = new ArrayList<>();
    List<RegexpEntry> regexps = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    List<int[]> starts = new ArrayList<>();
    List<StringBuilder> logical = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0)) && !logical.isEmpty()) {
        logical.getLast().append(' ').append(line.strip());
      } else {
        starts.add(new int[] {i + 1});
        logical.add(new StringBuilder(line.strip()));
      }
    }
    for (int n = 0; n < logical.size(); n++) {
      String where = file + ":" + starts.get(n)[0] + ": ";
      String entry = logical.get(n).toString();
      try {
        switch (type) {
          case PLAIN -> {
            String[] kv = entry.split("\\s+", 2);
            if (kv.length < 2) {
              throw new IllegalArgumentException("\"" + kv[0] + "\" has no action");
            }
            plain.putIfAbsent(kv[0].toLowerCase(Locale.ROOT), action(kv[1]));
          }
          case CIDR -> {
            String[] kv = entry.split("\\s+", 2);
            if (kv.length < 2) {
              throw new IllegalArgumentException("\"" + kv[0] + "\" has no action");
            }
            cidrs.add(new CidrEntry(Cidr.parse(kv[0]), action(kv[1])));
          }
          case REGEXP -> regexps.add(regexp(entry));
        }
      } catch (IllegalArgumentException e) {
        problems.add(where + e.getMessage());
      }
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new AccessTable(type, file, Map.copyOf(plain), List.copyOf(cidrs), List.copyOf(regexps)));
  }

  private static RegexpEntry regexp(String entry) {
    boolean negated = entry.startsWith("!");
    String s = negated ? entry.substring(1) : entry;
    if (s.isEmpty()) {
      throw new IllegalArgumentException("expected /pattern/ at the start of the line");
    }
    char delim = s.charAt(0);
    if (delim != '/') {
      throw new IllegalArgumentException("expected /pattern/ at the start of the line");
    }
    int end = -1;
    for (int i = 1; i < s.length(); i++) {
      if (s.charAt(i) == '\\') {
        i++;
      } else if (s.charAt(i) == delim) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new IllegalArgumentException("pattern has no closing /");
    }
    String pattern = s.substring(1, end);
    int i = end + 1;
    int flags = Pattern.CASE_INSENSITIVE;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
      switch (s.charAt(i)) {
        case 'i' -> flags ^= Pattern.CASE_INSENSITIVE; // regexp_table(5): i toggles case-insensitivity
        case 'x' -> flags |= Pattern.COMMENTS;
        case 's' -> flags |= Pattern.DOTALL;
        case 'm' -> flags |= Pattern.MULTILINE;
        default -> throw new IllegalArgumentException("unknown pattern flag \"" + s.charAt(i) + "\"");
      }
      i++;
    }
    String action = s.substring(i).strip();
    if (action.isEmpty()) {
      throw new IllegalArgumentException("/" + pattern + "/ has no action");
    }
    try {
      return new RegexpEntry(Pattern.compile(pattern, flags), negated, action(action));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("bad pattern /" + pattern + "/: " + e.getDescription());
    }
  }

  private static final Pattern ENHANCED = Pattern.compile("([245])\\.\\d{1,3}\\.\\d{1,3}(?:\\s+|$)");
  private static final Pattern HEADER = Pattern.compile("[!-9;-~]+:.*");

  /** Parses the action part of an entry. */
  public static Action action(String value) {
    String v = value.strip();
    String[] words = v.split("\\s+", 2);
    String verb = words[0].toUpperCase(Locale.ROOT);
    String text = words.length > 1 ? words[1].strip() : "";
    if (verb.matches("[45]\\d\\d")) {
      int code = Integer.parseInt(verb);
      String enhanced = enhanced(text, verb.charAt(0));
      return new Action(Verb.REPLY, code, enhanced, text.substring(enhanced.length()).strip());
    }
    if (verb.matches("\\d+")) {
      // access(5): an all-numerical result is treated as OK (for tables also used elsewhere)
      return new Action(Verb.OK, 0, "", "");
    }
    return switch (verb) {
      case "OK" -> new Action(Verb.OK, 0, "", "");
      case "DUNNO" -> new Action(Verb.DUNNO, 0, "", "");
      case "REJECT", "DEFER", "DEFER_IF_PERMIT", "DEFER_IF_REJECT" -> {
        char cls = verb.equals("REJECT") ? '5' : '4';
        String enhanced = enhanced(text, cls);
        yield new Action(Verb.valueOf(verb), 0, enhanced, text.substring(enhanced.length()).strip());
      }
      case "DISCARD", "HOLD", "WARN" -> new Action(Verb.valueOf(verb), 0, "", text);
      case "PREPEND" -> {
        if (!HEADER.matcher(text).matches()) {
          throw new IllegalArgumentException("PREPEND needs a header field like \"X-Checked: yes\", got \"" + text + "\"");
        }
        yield new Action(Verb.PREPEND, 0, "", text);
      }
      case "REDIRECT" -> {
        if (!text.matches("[^\\s@<>]+@[^\\s@<>]+")) {
          throw new IllegalArgumentException("REDIRECT needs one address like user@example.org, got \"" + text + "\"");
        }
        yield new Action(Verb.REDIRECT, 0, "", text);
      }
      case "FILTER", "BCC", "INFO", "DELAY", "SHUTDOWN", "REJECT_TEMPFAIL" ->
          throw new IllegalArgumentException("action \"" + words[0] + "\" is not supported");
      default -> throw new IllegalArgumentException("unknown action \"" + words[0] + "\"");
    };
  }

  /** An enhanced status code at the start of {@code text} whose class matches, or "". */
  private static String enhanced(String text, char cls) {
    var m = ENHANCED.matcher(text);
    if (m.lookingAt() && m.group(1).charAt(0) == cls) {
      return m.group().strip();
    }
    return "";
  }

  /** The action of a plain table's {@code key} (lower-cased by the caller or not), if any. */
  public Optional<Action> get(String key) {
    return Optional.ofNullable(plain.get(key.toLowerCase(Locale.ROOT)));
  }

  /** The first regexp entry that matches (or, for {@code !/…/}, does not match) {@code subject}. */
  public Optional<Action> match(String subject) {
    for (RegexpEntry e : regexps) {
      if (e.pattern().matcher(subject).find() != e.negated()) {
        return Optional.of(e.action());
      }
    }
    return Optional.empty();
  }

  /** The first CIDR entry that contains {@code address}. */
  public Optional<Action> match(InetAddress address) {
    for (CidrEntry e : cidrs) {
      if (e.block().contains(address)) {
        return Optional.of(e.action());
      }
    }
    return Optional.empty();
  }
}
