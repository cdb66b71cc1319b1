package dev.postamt.sieve;

import dev.postamt.sieve.Signature.ArgSpec;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.SyntaxTree.Argument;
import dev.postamt.sieve.SyntaxTree.Node;
import dev.postamt.sieve.SyntaxTree.Position;
import dev.postamt.sieve.SyntaxTree.StringList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles script text into a {@link SieveScript}: parses, then checks every command and test against
 * its {@link Signature} and its own rules, with only the capabilities the script requires (RFC 5228 §3.2:
 * using an extension without {@code require} is an error). All errors found are reported together, each
 * as {@code LINE:COLUMN: message}.
 */
public final class SieveCompiler {
  private final Map<String, SieveExtension> extensions = new LinkedHashMap<>();
  private final Map<String, String> owner = new HashMap<>();
  private final Map<String, SieveCommand> commands = new HashMap<>();
  private final SieveLimits limits;
  private final ScriptLoader loader;
  private final SieveEnvironment settings;

  public SieveCompiler(List<SieveExtension> extensions, SieveLimits limits, ScriptLoader loader) {
    this(extensions, limits, loader, SieveEnvironment.DEFAULT);
  }

  private SieveCompiler(List<SieveExtension> extensions, SieveLimits limits, ScriptLoader loader,
      SieveEnvironment settings) {
    this.limits = limits;
    this.loader = loader;
    this.settings = settings;
    for (SieveExtension e : extensions) {
      this.extensions.put(e.name(), e);
      for (SieveCommand c : e.commands()) {
        commands.put(key(c.kind(), c.name()), c);
        owner.put(key(c.kind(), c.name()), e.name());
      }
    }
  }

  private static String key(SieveCommand.Kind kind, String name) {
    return (kind == SieveCommand.Kind.TEST ? "t:" : "c:") + name;
  }

  public SieveCompiler withLimits(SieveLimits l) {
    return new SieveCompiler(List.copyOf(extensions.values()), l, loader, settings);
  }

  public SieveCompiler withLoader(ScriptLoader l) {
    return new SieveCompiler(List.copyOf(extensions.values()), limits, l, settings);
  }

  /**
   * This compiler reading administrator settings ({@link SieveEnvironment#setting}) from {@code env}, for
   * the few compile-time policies (a notify action prohibited, editheader's protected fields, ...).
   */
  public SieveCompiler withSettings(SieveEnvironment env) {
    return new SieveCompiler(List.copyOf(extensions.values()), limits, loader, env);
  }

  /** The administrator setting {@code name} as this compiler sees it. */
  public java.util.Optional<String> setting(String name) {
    return settings.setting(name);
  }

  /** This compiler plus more extensions (a test suite's commands, a site's own). */
  public SieveCompiler with(List<SieveExtension> more) {
    List<SieveExtension> all = new ArrayList<>(extensions.values());
    all.addAll(more);
    return new SieveCompiler(all, limits, loader, settings);
  }

  public SieveLimits limits() {
    return limits;
  }

  /** The capability strings a script may require (for the ManageSieve SIEVE capability). */
  public Set<String> capabilities() {
    return extensions.keySet().stream().filter(n -> !n.isEmpty()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  public SieveScript compile(String name, String text) throws SieveCompileException {
    return compile(name, text, 0);
  }

  SieveScript compile(String name, String text, int includeDepth) throws SieveCompileException {
    return compile(name, text, includeDepth, new HashMap<>());
  }

  SieveScript compile(String name, String text, int includeDepth, Map<String, SieveScript> included)
      throws SieveCompileException {
    List<Diagnostic> diagnostics = new ArrayList<>();
    SyntaxTree.Script tree = Parser.parse(text, limits, diagnostics);
    if (!diagnostics.isEmpty()) {
      throw new SieveCompileException(diagnostics);
    }
    Set<String> required = new HashSet<>();
    required.add("");
    Checker checker = new Checker(required, diagnostics, limits, loader, this);
    checker.includeDepth = includeDepth;
    checker.included = included;
    Walk w = new Walk(checker, required, diagnostics);
    List<CompiledNode> out = w.block(tree.commands(), true, 0);
    List<Diagnostic> errors = diagnostics.stream().filter(d -> !d.warning()).toList();
    if (!errors.isEmpty()) {
      throw new SieveCompileException(errors.size() > limits.maxErrors() ? errors.subList(0, limits.maxErrors()) : errors);
    }
    required.remove("");
    return new SieveScript(name, out, required, diagnostics);
  }

  private final class Walk {
    final Checker checker;
    final Set<String> required;
    final List<Diagnostic> diagnostics;
    final Set<String> reportedUnknown = new HashSet<>();

    Walk(Checker checker, Set<String> required, List<Diagnostic> diagnostics) {
      this.checker = checker;
      this.required = required;
      this.diagnostics = diagnostics;
    }

    void error(Position at, String message) {
      diagnostics.add(Diagnostic.error(at, message));
    }

    List<CompiledNode> block(List<Node> nodes, boolean top, int depth) {
      List<CompiledNode> out = new ArrayList<>();
      boolean requiresAllowed = top;
      String previous = null;
      for (Node n : nodes) {
        if (n.name().equals("require")) {
          if (!requiresAllowed) {
            error(n.at(), "require command can only be placed at top level at the beginning of the file");
          } else {
            require(n);
          }
          previous = "require";
          continue;
        }
        requiresAllowed = false;
        if ((n.name().equals("elsif") || n.name().equals("else"))
            && !("if".equals(previous) || "elsif".equals(previous))) {
          error(n.at(), "the " + n.name() + " command must follow an if or elsif command");
        }
        previous = n.name();
        CompiledNode c = node(n, SieveCommand.Kind.COMMAND, depth);
        if (c != null) {
          out.add(c);
        }
      }
      return out;
    }

    void require(Node n) {
      if (n.arguments().size() != 1 || !(n.arguments().get(0) instanceof StringList l) || !n.tests().isEmpty()
          || n.block() != null) {
        error(n.at(), "the require command expects a string list as argument 1 (capabilities)");
        return;
      }
      for (SyntaxTree.StringValue v : l.values()) {
        SieveExtension e = extensions.get(v.value());
        if (e == null || v.value().isEmpty()) {
          error(v.at(), "require command: unknown Sieve capability '" + v.value() + "'");
        } else {
          required.add(e.name());
          required.addAll(e.implies());
        }
      }
    }

    CompiledNode node(Node n, SieveCommand.Kind kind, int depth) {
      SieveCommand def = commands.get(key(kind, n.name()));
      String ext = owner.get(key(kind, n.name()));
      if (def == null || ext != null && !required.contains(ext)) {
        SieveCommand.Kind other = kind == SieveCommand.Kind.TEST ? SieveCommand.Kind.COMMAND : SieveCommand.Kind.TEST;
        String otherExt = owner.get(key(other, n.name()));
        if (def == null && otherExt != null && required.contains(otherExt)) {
          error(n.at(), kind == SieveCommand.Kind.TEST
              ? "attempted to use command '" + n.name() + "' as test"
              : "attempted to use test '" + n.name() + "' as command (missing if?)");
          return null;
        }
        String what = kind == SieveCommand.Kind.TEST ? "test" : "command";
        String hint = def != null && ext != null && !ext.isEmpty() ? " (missing require \"" + ext + "\"?)" : "";
        error(n.at(), "unknown " + what + " '" + n.name() + "'" + hint);
        return null;
      }
      Signature sig = def.signature();
      Map<String, Object> tags = new LinkedHashMap<>();
      Map<String, Position> tagAt = new HashMap<>();
      Map<String, String> groups = new HashMap<>();
      List<Object> args = new ArrayList<>();
      List<Position> argAt = new ArrayList<>();
      int errorsBefore = diagnostics.size();
      List<Argument> in = n.arguments();
      int i = 0;
      // Tagged arguments come first (RFC 5228 §2.6.2), each maybe with its parameter.
      // Like Pigeonhole, a command's first argument error is its only one: the rest would be noise.
      while (i < in.size() && in.get(i) instanceof SyntaxTree.Tag t && diagnostics.size() == errorsBefore) {
        i++;
        TagSpec spec = sig.tag(t.name());
        if (spec == null || spec.extension() != null && !required.contains(spec.extension())) {
          if (reportedUnknown.add(def.name() + ":" + t.name())) {
            error(t.at(), "unknown tagged argument ':" + t.name() + "' for " + def.describe()
                + " (reported only once at first occurrence)");
          }
          continue;
        }
        if (spec.group() != null) {
          String prev = groups.put(spec.group(), t.name());
          if (prev != null) {
            error(t.at(), "multiple " + spec.group() + "s specified for " + def.describe() + " (:" + prev + " and :"
                + t.name() + ")");
          }
        } else if (tags.containsKey(t.name())) {
          error(t.at(), "the :" + t.name() + " tag for " + def.describe() + " is specified more than once");
        }
        Object value = Boolean.TRUE;
        if (spec.parameter() != Type.NONE) {
          if (i >= in.size() || in.get(i) instanceof SyntaxTree.Tag) {
            error(t.at(), "the :" + t.name() + " tag for " + def.describe() + " requires " + spec.parameter().article
                + " as parameter, but " + (i >= in.size() ? "none was found" : "a tag was found"));
            continue;
          }
          value = value(in.get(i), spec.parameter(), t.at(),
              "the :" + t.name() + " tag for " + def.describe() + " requires " + spec.parameter().article
                  + " as parameter");
          i++;
          if (value == null) {
            continue;
          }
        }
        tags.put(t.name(), value);
        tagAt.put(t.name(), t.at());
      }
      // Pigeonhole's order: a tag among the positional arguments, then their number, then their types.
      int p = 0;
      if (diagnostics.size() == errorsBefore) {
        int count = 0;
        for (int k = i; k < in.size(); k++) {
          if (in.get(k) instanceof SyntaxTree.Tag t) {
            TagSpec spec = sig.tag(t.name());
            if (spec == null || spec.extension() != null && !required.contains(spec.extension())) {
              if (reportedUnknown.add(def.name() + ":" + t.name())) {
                error(t.at(), "unknown tagged argument ':" + t.name() + "' for " + def.describe()
                    + " (reported only once at first occurrence)");
              }
            } else {
              error(t.at(), "encountered an unexpected tagged argument ':" + t.name()
                  + "' while validating positional arguments for " + def.describe());
            }
            count = -1;
            break;
          }
          count++;
        }
        long requiredArgs = sig.positional().stream().filter(s -> !s.optional()).count();
        if (count >= 0 && (count < requiredArgs || count > sig.positional().size())) {
          error(n.at(), def.describe() + " requires " + requiredArgs + " positional argument(s), but " + count
              + " is/are specified");
        }
      }
      for (; i < in.size() && diagnostics.size() == errorsBefore; i++) {
        Argument a = in.get(i);
        if (a instanceof SyntaxTree.Tag || p >= sig.positional().size()) {
          break; // an unknown tag reported at its first occurrence
        }
        ArgSpec spec = sig.positional().get(p);
        Object v = value(a, spec.type(), a.at(), def.describe() + " expects " + spec.type().article + " as argument "
            + (p + 1) + " (" + spec.label() + ")");
        args.add(v);
        argAt.add(a.at());
        p++;
      }
      boolean argsOk = diagnostics.size() == errorsBefore;
      // A tag missing its colon becomes a sub-test, so the sub-tests are checked even after an argument
      // error (as Pigeonhole does); the block only when all else is right.
      subtests(n, def, sig);
      boolean clean = argsOk && diagnostics.size() == errorsBefore;
      if (clean && sig.block() && n.block() == null) {
        error(n.at(), def.describe() + " requires a block, but none was found");
      } else if (clean && !sig.block() && n.block() != null) {
        error(n.at(), def.describe() + " does not take a block");
      }
      CompiledNode c = new CompiledNode(def, n.at(), tags, tagAt, args, argAt);
      List<CompiledNode> tests = new ArrayList<>();
      // Like Pigeonhole, the tests of a command that takes tests are checked even when the command is
      // wrong ("if setflag;" is two errors); a command that takes none never looks into them.
      for (Node t : diagnostics.size() == errorsBefore || sig.maxTests() > 0 ? n.tests() : List.<Node>of()) {
        CompiledNode ct = node(t, SieveCommand.Kind.TEST, depth + 1);
        if (ct != null) {
          tests.add(ct);
        }
      }
      c.tests = List.copyOf(tests);
      c.block = n.block() == null ? null : block(n.block(), false, depth + 1);
      if (diagnostics.size() == errorsBefore) {
        matchTags(c, groups);
      }
      if (diagnostics.size() == errorsBefore) {
        def.check(checker, c);
      }
      return c;
    }

    /**
     * The sub-tests against what the command takes, with Pigeonhole's diagnosis of the usual typos: a
     * "test" after a command that takes none is a missing semicolon, or a tag without its colon.
     */
    private void subtests(Node n, SieveCommand def, Signature sig) {
      int count = n.tests().size();
      if (count >= sig.minTests() && count <= sig.maxTests()) {
        return;
      }
      if (sig.maxTests() == 0) {
        String first = n.tests().get(0).name();
        SieveCommand asTest = commands.get(key(SieveCommand.Kind.TEST, first));
        if (asTest != null) {
          error(n.at(), def.describe() + " accepts no sub-tests, but tests are specified");
        } else if (commands.get(key(SieveCommand.Kind.COMMAND, first)) == null && sig.tag(first) != null) {
          error(n.at(), "missing colon ':' before ':" + first + "' tag in " + def.name() + " "
              + (def.kind() == SieveCommand.Kind.TEST ? "test" : "command"));
        } else {
          error(n.at(), "missing semicolon ';' after " + def.name() + " "
              + (def.kind() == SieveCommand.Kind.TEST ? "test" : "command"));
        }
      } else if (sig.maxTests() == 1) {
        error(n.at(), def.describe() + " requires one sub-test, but " + (count == 0 ? "none is" : "a list of tests is")
            + " specified");
      } else {
        error(n.at(), def.describe() + " requires a list of sub-tests, but none is specified");
      }
    }

    /**
     * RFC 5229 §3: a reference into a namespace nobody implements ("${frop.x}"; only "global." with
     * include) and a match variable past the ones kept are errors, as in Pigeonhole.
     */
    private Template checked(Template t, Position at) {
      for (Template.Ref r : t.references()) {
        if (r.name() != null && r.name().indexOf('.') > 0) {
          String ns = r.name().substring(0, r.name().indexOf('.'));
          // "global." comes with include (RFC 6609); "tst." is Pigeonhole's test suite's own namespace.
          if (!(ns.equals("global") && required.contains("include"))
              && !(ns.equals("tst") && required.contains("vnd.dovecot.testsuite"))) {
            error(at, "variable '" + r.name() + "' is in an unknown namespace '" + ns + "'");
          }
        } else if (r.name() == null && r.index() > Execution.MAX_MATCH_INDEX) {
          error(at, "match value ${" + r.index() + "} is out of range (at most " + Execution.MAX_MATCH_INDEX + ")");
        }
      }
      return t;
    }

    /** Builds the match type and comparator of a test that takes them. */
    private void matchTags(CompiledNode c, Map<String, String> groups) {
      if (groups.containsKey(Signature.ADDRESS_PART)) {
        c.addressPart = groups.get(Signature.ADDRESS_PART);
      }
      if (c.def.signature().tag("is") == null) {
        return;
      }
      String mt = groups.getOrDefault(Signature.MATCH_TYPE, "is");
      Comparator comparator = Comparator.ASCII_CASEMAP;
      if (c.has("comparator")) {
        Template name = c.tagString("comparator");
        comparator = Comparator.byName(name.text());
        if (comparator == null) {
          error(c.tagAt("comparator"), "unknown comparator '" + name.text() + "'");
          return;
        }
        if (comparator == Comparator.ASCII_NUMERIC && !required.contains("comparator-i;ascii-numeric")) {
          error(c.tagAt("comparator"), "unknown comparator 'i;ascii-numeric' (missing require \"comparator-i;ascii-numeric\"?)");
          return;
        }
      }
      String relation = null;
      if (mt.equals("count") || mt.equals("value")) {
        relation = c.tagString(mt).text().toLowerCase(java.util.Locale.ROOT);
        if (!c.tagString(mt).isConstant() || !Match.isRelation(relation)) {
          error(c.tagAt(mt), "invalid relational match type '" + c.tagString(mt).text() + "' for the :" + mt
              + " match type (expected \"gt\", \"ge\", \"lt\", \"le\", \"eq\" or \"ne\")");
          return;
        }
      }
      if (!comparator.supportsSubstring() && (mt.equals("contains") || mt.equals("matches") || mt.equals("regex"))) {
        error(c.tagAt(mt), "the comparator '" + comparator.id() + "' does not support the :" + mt + " match type");
        return;
      }
      List<Template> keys = null;
      if (!c.args.isEmpty() && c.args.get(c.args.size() - 1) instanceof List<?>) {
        keys = c.strings(c.args.size() - 1);
      } else if (!c.args.isEmpty() && c.args.get(c.args.size() - 1) instanceof Template t) {
        keys = List.of(t);
      }
      if (mt.equals("regex") && keys != null) {
        for (int k = 0; k < keys.size(); k++) {
          String err = keys.get(k).isConstant() ? Match.regexError(keys.get(k).text()) : null;
          if (err != null) {
            error(c.argAt(c.args.size() - 1), "invalid regular expression '" + keys.get(k).text() + "' for regex match: " + err);
            return;
          }
        }
      }
      c.match = new Match(Match.Type.valueOf(mt.toUpperCase(java.util.Locale.ROOT)), comparator, relation, keys);
    }

    /** An argument as the type wants it, or null after reporting the mismatch. */
    private Object value(Argument a, Type want, Position at, String expectation) {
      boolean vars = required.contains("variables");
      boolean enc = required.contains("encoded-character");
      switch (want) {
        case NUMBER -> {
          if (a instanceof SyntaxTree.Number num) {
            return num.value();
          }
        }
        case STRING -> {
          if (a instanceof StringList l && !l.bracketed()) {
            return checked(Template.compile(EncodedCharacter.decode(l.values().get(0), enc, diagnostics), vars),
                l.values().get(0).at());
          }
          if (a instanceof StringList l && l.values().size() == 1) {
            // Pigeonhole accepts ["x"] where one string is expected.
            return checked(Template.compile(EncodedCharacter.decode(l.values().get(0), enc, diagnostics), vars),
                l.values().get(0).at());
          }
        }
        case STRING_LIST -> {
          if (a instanceof StringList l) {
            List<Template> out = new ArrayList<>(l.values().size());
            for (SyntaxTree.StringValue v : l.values()) {
              out.add(checked(Template.compile(EncodedCharacter.decode(v, enc, diagnostics), vars), v.at()));
            }
            return List.copyOf(out);
          }
        }
        default -> {}
      }
      error(at, expectation + ", but " + found(a) + " was found");
      return null;
    }

    private String found(Argument a) {
      return switch (a) {
        case SyntaxTree.Number x -> "a number";
        case SyntaxTree.Tag x -> "a tag";
        case StringList l -> l.bracketed() ? "a string list" : "a string";
      };
    }
  }
}
