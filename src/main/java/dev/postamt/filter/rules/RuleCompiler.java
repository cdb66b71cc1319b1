package dev.postamt.filter.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the {@link RuleParser} read into runnable {@link Rule}s, once per load: applies {@code
 * replace_rules}, translates each regex ({@link PerlRegex}), resolves eval functions, parses metas and
 * orders them so that a meta runs after the metas it refers to.
 *
 * <p>A rule that cannot run is skipped and counted by reason. A meta that refers to a rule skipped
 * for any reason but "network test" or "provided by another check" is skipped too when that rule could
 * make it fire ({@link MetaExpression#nonMonotone}: {@code !MISSING_PART} would otherwise fire on every
 * message, and a false positive is the worst outcome); a meta that only needs the part to be there
 * loads, and fires less often, never more, than SpamAssassin's. Rules with score 0 that no scored meta needs are
 * not run (as SpamAssassin).
 */
final class RuleCompiler {
  private static final Pattern HEADER = Pattern.compile("^(\\S+?)\\s*(=~|!~)\\s*(.*)$", Pattern.DOTALL);
  private static final Pattern IF_UNSET = Pattern.compile("\\s*\\[if-unset:\\s?(.*)\\]\\s*$");
  private static final Pattern TAG = Pattern.compile("<(?:(pre|inter|post) )?([A-Za-z0-9_]+)>");

  final List<Rule> rules = new ArrayList<>();
  final List<Rule> metas = new ArrayList<>();
  final Map<String, Double> scores = new LinkedHashMap<>();
  final Map<String, String> skipped = new LinkedHashMap<>(); // name → reason
  final List<String> warnings = new ArrayList<>();
  int seen;

  private final RuleParser parsed;

  RuleCompiler(RuleParser parsed) {
    this.parsed = parsed;
    warnings.addAll(parsed.warnings);
  }

  void compile() {
    Map<String, Rule> loaded = new LinkedHashMap<>();
    skipped.putAll(parsed.skipped);
    for (RuleParser.Definition d : parsed.definitions.values()) {
      try {
        loaded.put(d.name(), rule(d));
      } catch (Skipped s) {
        skipped.put(d.name(), s.getMessage());
        if (s.warn) {
          warnings.add(d.where() + ": " + d.name() + " skipped: " + s.getMessage());
        }
      }
    }
    seen = loaded.size() + skipped.size();
    dropMetasOnSkippedParts(loaded);
    Map<String, Double> effective = new HashMap<>();
    for (Rule r : loaded.values()) {
      effective.put(r.name(), parsed.scores.getOrDefault(r.name(), defaultScore(r.name())));
    }
    Set<String> needed = needed(loaded, effective);
    for (Rule r : order(loaded)) {
      if (!needed.contains(r.name())) {
        continue;
      }
      (r.kind() == Rule.Kind.META ? metas : rules).add(r);
    }
    scores.putAll(parsed.scores);
    for (Rule r : loaded.values()) {
      if (!r.sub()) {
        scores.putIfAbsent(r.name(), effective.get(r.name()));
      }
    }
  }

  /** The report of this load. */
  LoadReport report() {
    Map<String, Integer> byReason = new TreeMap<>();
    for (String reason : skipped.values()) {
      byReason.merge(category(reason), 1, Integer::sum);
    }
    return new LoadReport(seen, seen - skipped.size(), byReason, List.copyOf(warnings));
  }

  /** Groups reasons: the regex constructs by construct, plugins as one. */
  static String category(String reason) {
    if (reason.startsWith("plugin ")) {
      return "plugin not available";
    }
    if (reason.startsWith("regex: Java rejects")) {
      return "regex: Java rejects it";
    }
    if (reason.startsWith("eval function not implemented")) {
      return "eval function not implemented";
    }
    if (reason.startsWith("meta refers to skipped")) {
      return "meta refers to a skipped rule";
    }
    if (reason.startsWith("meta syntax")) {
      return "meta syntax error";
    }
    if (reason.startsWith("header spec")) {
      return "header spec not understood";
    }
    return reason;
  }

  private double defaultScore(String name) {
    Set<String> flags = parsed.tflags.getOrDefault(name, Set.of());
    if (name.startsWith("__")) {
      return 0;
    }
    if (name.startsWith("T_")) {
      return 0.01;
    }
    return flags.contains("nice") ? -1.0 : 1.0;
  }

  /** Raised for a rule that cannot run. */
  private static final class Skipped extends Exception {
    final boolean warn;

    Skipped(String reason, boolean warn) {
      super(reason);
      this.warn = warn;
    }
  }

  private Rule rule(RuleParser.Definition d) throws Skipped {
    Set<String> flags = parsed.tflags.getOrDefault(d.name(), Set.of());
    if (flags.contains("net")) {
      throw new Skipped("network test", false);
    }
    int maxHits = 1;
    if (flags.contains("multiple")) {
      maxHits = 1000;
      for (String f : flags) {
        if (f.startsWith("maxhits=")) {
          try {
            maxHits = Math.max(1, Integer.parseInt(f.substring(8)));
          } catch (NumberFormatException e) {
            warnings.add(d.where() + ": " + d.name() + ": bad " + f);
          }
        }
      }
    }
    String text = parsed.replaceRules.contains(d.name()) ? replaceTags(d.text()) : d.text();
    String where = d.where();
    if (d.kind() == Rule.Kind.META) {
      try {
        return new Rule(d.name(), d.kind(), null, null, false, null, null, MetaExpression.parse(text), 1, where);
      } catch (MetaExpression.SyntaxError e) {
        throw new Skipped("meta syntax: " + e.getMessage(), true);
      }
    }
    if (text.startsWith("eval:")) {
      String call = text.substring(5).strip();
      EvalFunctions.Eval eval = EvalFunctions.create(call);
      if (eval == null) {
        String fn = EvalFunctions.name(call);
        if (fn == null) {
          throw new Skipped("malformed eval", true);
        }
        EvalFunctions.Skip why = EvalFunctions.classify(fn);
        throw new Skipped(why.reason + (why == EvalFunctions.Skip.NOT_IMPLEMENTED ? " " + fn : ""), false);
      }
      return new Rule(d.name(), d.kind(), null, null, false, null, eval, null, 1, where);
    }
    if (d.kind() == Rule.Kind.HEADER || d.kind() == Rule.Kind.MIMEHEADER) {
      if (text.startsWith("exists:")) {
        return new Rule(d.name(), d.kind(), null, target(text.substring(7).strip()), false, null, null, null, 1,
            where);
      }
      Matcher m = HEADER.matcher(text);
      if (!m.matches()) {
        throw new Skipped("header rule not understood", true);
      }
      String regex = m.group(3);
      String ifUnset = null;
      Matcher u = IF_UNSET.matcher(regex);
      if (u.find()) {
        ifUnset = u.group(1);
        regex = regex.substring(0, u.start());
      }
      return new Rule(d.name(), d.kind(), regex(regex, ""), target(m.group(1)), m.group(2).equals("!~"), ifUnset,
          null, null, maxHits, where);
    }
    // body and rawbody are matched over paragraphs (lines) joined with \n: ^ and $ at each, as per line
    String extra = d.kind() == Rule.Kind.BODY || d.kind() == Rule.Kind.RAWBODY ? "m" : "";
    return new Rule(d.name(), d.kind(), regex(text, extra), null, false, null, null, null, maxHits, where);
  }

  private static HeaderTarget target(String spec) throws Skipped {
    try {
      return HeaderTarget.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new Skipped(e.getMessage().startsWith("pseudo-header") ? "pseudo-header not available"
          : "header spec: " + e.getMessage(), false);
    }
  }

  private static PerlRegex.Compiled regex(String spec, String extraMods) throws Skipped {
    String[] parts = PerlRegex.split(spec);
    if (parts == null) {
      throw new Skipped("regex: not a delimited regex", true);
    }
    try {
      return PerlRegex.compile(parts[0], parts[1] + extraMods);
    } catch (PerlRegex.Untranslatable e) {
      throw new Skipped("regex: " + e.getMessage(), true);
    }
  }

  /** ReplaceTags: {@code <inter W1><post P2>} choose the glue; each {@code <TAG>} becomes its text. */
  private String replaceTags(String text) {
    String pre = "";
    String inter = "";
    String post = "";
    Matcher m = TAG.matcher(text);
    StringBuilder out = new StringBuilder();
    int last = 0;
    boolean prevTag = false;
    while (m.find()) {
      String kind = m.group(1);
      String name = m.group(2);
      String chunk = text.substring(last, m.start());
      out.append(chunk);
      if (!chunk.isEmpty()) {
        prevTag = false;
      }
      last = m.end();
      if (kind != null) {
        switch (kind) {
          case "pre" -> pre = parsed.tagPre.getOrDefault(name, "");
          case "inter" -> inter = parsed.tagInter.getOrDefault(name, "");
          default -> post = parsed.tagPost.getOrDefault(name, "");
        }
        continue;
      }
      String value = parsed.tags.get(name);
      if (value == null) {
        out.append(m.group());
        prevTag = false;
        continue;
      }
      if (prevTag) {
        out.append(inter);
      }
      out.append(pre).append(value).append(post);
      prevTag = true;
    }
    out.append(text.substring(last));
    return out.toString();
  }

  /** Skips metas whose parts were skipped (transitively); net and other checks' symbols count as absent. */
  private void dropMetasOnSkippedParts(Map<String, Rule> loaded) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Rule r : List.copyOf(loaded.values())) {
        if (r.kind() != Rule.Kind.META) {
          continue;
        }
        for (String n : r.meta().nonMonotone()) {
          String why = skipped.get(n);
          if (why != null && !why.equals("network test") && !why.equals("provided by another check")) {
            loaded.remove(r.name());
            skipped.put(r.name(), "meta refers to skipped " + n);
            changed = true;
            break;
          }
        }
      }
    }
  }

  /** The rules worth running: scored ones, and whatever a scored meta refers to. */
  private static Set<String> needed(Map<String, Rule> loaded, Map<String, Double> effective) {
    Set<String> needed = new HashSet<>();
    List<String> todo = new ArrayList<>();
    for (Rule r : loaded.values()) {
      if (!r.sub() && effective.get(r.name()) != 0) {
        todo.add(r.name());
      }
    }
    while (!todo.isEmpty()) {
      String n = todo.removeLast();
      Rule r = loaded.get(n);
      if (r == null || !needed.add(n)) {
        continue;
      }
      if (r.meta() != null) {
        todo.addAll(r.meta().names());
      }
    }
    return needed;
  }

  /** Non-metas first, then metas so that each comes after the metas it refers to; a cycle is skipped. */
  private List<Rule> order(Map<String, Rule> loaded) {
    List<Rule> out = new ArrayList<>();
    Map<String, Integer> state = new HashMap<>(); // 1 visiting, 2 done
    for (Rule r : loaded.values()) {
      if (r.kind() != Rule.Kind.META) {
        out.add(r);
      }
    }
    for (Rule r : loaded.values()) {
      if (r.kind() == Rule.Kind.META) {
        visit(r, loaded, state, out);
      }
    }
    return out;
  }

  private void visit(Rule r, Map<String, Rule> loaded, Map<String, Integer> state, List<Rule> out) {
    Integer s = state.get(r.name());
    if (s != null) {
      if (s == 1) {
        warnings.add(r.where() + ": " + r.name() + ": meta refers to itself in a cycle; skipped");
        skipped.put(r.name(), "meta cycle");
      }
      return;
    }
    state.put(r.name(), 1);
    for (String n : r.meta().names()) {
      Rule dep = loaded.get(n);
      if (dep != null && dep.kind() == Rule.Kind.META) {
        visit(dep, loaded, state, out);
      }
    }
    state.put(r.name(), 2);
    if (!skipped.containsKey(r.name())) {
      out.add(r);
    }
  }
}
