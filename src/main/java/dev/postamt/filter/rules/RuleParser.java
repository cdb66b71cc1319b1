package dev.postamt.filter.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads rule files in SpamAssassin's configuration language, line by line, into definitions; the
 * {@link RuleCompiler} turns the last definition of each name into a runnable {@link Rule} once every
 * file is read (a later file may redefine a rule, change its score or, with {@code replace_rules}, its
 * regex).
 *
 * <p>Understood: {@code header body rawbody uri full meta mimeheader describe score tflags}, the
 * ReplaceTags directives ({@code replace_tag replace_pre replace_inter replace_post replace_rules
 * replace_start replace_end}), and the conditionals {@code ifplugin}/{@code if}/{@code else}/{@code
 * endif}. {@code lang xx} lines apply only for {@code en}. Everything else ({@code priority reuse test
 * require_version}, plugin settings) is ignored. Nothing here fails: a line not understood becomes a
 * warning naming its file and line.
 */
final class RuleParser {
  /** The version {@code if (version >= …)} compares with: the rule language of SpamAssassin 4.0.1. */
  static final double VERSION = 4.000001;

  /** The plugins whose rules we run or whose symbols our own checks add. */
  static final Set<String> PLUGINS = Set.of("ReplaceTags", "MIMEHeader", "Check", "HeaderEval", "BodyEval",
      "MIMEEval", "HTMLEval", "URIEval", "RelayEval", "WLBLEval", "Bayes", "SPF", "DKIM", "DMARC", "URIDNSBL",
      "DNSEval", "AutoLearnThreshold", "WelcomeListSubject", "WhiteListSubject");

  /** Features {@code if can(…)} sees as present. */
  private static final Set<String> FEATURES = Set.of("feature_bug6558_free", "feature_welcomelist_blocklist",
      "perl_min_version_5010000", "feature_originating_ip_headers", "feature_yesno_takes_args",
      "feature_dns_local_ports_permit_avoid", "feature_edns", "has_check_body_length");

  /** One definition as read. */
  record Definition(String name, Rule.Kind kind, String text, String where) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,100}");
  private static final Pattern CAN = Pattern.compile("can\\(\\s*([\\w:]+)\\s*\\)");
  private static final Pattern PLUGIN = Pattern.compile("plugin\\(\\s*([\\w:]+)\\s*\\)");

  final Map<String, Definition> definitions = new LinkedHashMap<>();
  /** Rules defined inside the block of a plugin we lack: name → reason. */
  final Map<String, String> skipped = new LinkedHashMap<>();
  final Map<String, Double> scores = new LinkedHashMap<>();
  final Map<String, String> descriptions = new LinkedHashMap<>();
  final Map<String, Set<String>> tflags = new HashMap<>();
  final Map<String, String> tags = new HashMap<>();
  final Map<String, String> tagPre = new HashMap<>();
  final Map<String, String> tagInter = new HashMap<>();
  final Map<String, String> tagPost = new HashMap<>();
  final Set<String> replaceRules = new LinkedHashSet<>();
  final List<String> warnings = new ArrayList<>();
  String replaceStart = "<";
  String replaceEnd = ">";

  /** One open {@code if}: whether it holds, and when it does not because of a plugin we lack, which. */
  private record Frame(boolean active, String missingPlugin) {}

  /** Reads one file's text; {@code file} names it in warnings. */
  void read(String file, String text) {
    Deque<Frame> frames = new ArrayDeque<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String where = file + ":" + (i + 1);
      String line = stripComment(lines[i]).strip();
      if (line.isEmpty()) {
        continue;
      }
      boolean lang = line.length() > 4 && Character.isWhitespace(line.charAt(4));
      if (lang && line.regionMatches(true, 0, "lang", 0, 4)) {
        String[] l = line.split("\\s+", 3);
        if (l.length < 3 || !l[1].equalsIgnoreCase("en")) {
          continue;
        }
        line = l[2];
      }
      String[] kw = line.split("\\s+", 2);
      String keyword = kw[0].toLowerCase(Locale.ROOT);
      String rest = kw.length > 1 ? kw[1].strip() : "";
      switch (keyword) {
        case "ifplugin" -> {
          String plugin = shortName(rest);
          boolean have = PLUGINS.contains(plugin);
          frames.push(new Frame(have, have ? null : plugin));
          continue;
        }
        case "if" -> {
          frames.push(condition(rest, where));
          continue;
        }
        case "else" -> {
          if (frames.isEmpty()) {
            warnings.add(where + ": else without if");
          } else {
            Frame f = frames.pop();
            frames.push(new Frame(!f.active(), null)); // a branch not taken; never a missing plugin
          }
          continue;
        }
        case "endif" -> {
          if (frames.isEmpty()) {
            warnings.add(where + ": endif without if");
          } else {
            frames.pop();
          }
          continue;
        }
        default -> {}
      }
      String inactive = inactiveReason(frames);
      if (inactive != null) {
        Rule.Kind kind = Rule.Kind.of(keyword);
        if (kind != null && !inactive.isEmpty()) {
          String name = rest.split("\\s+", 2)[0];
          if (!definitions.containsKey(name)) {
            skipped.put(name, "plugin " + inactive + " not available");
          }
        }
        continue;
      }
      directive(keyword, rest, where);
    }
    if (!frames.isEmpty()) {
      warnings.add(file + ": " + frames.size() + " if/ifplugin without endif");
    }
  }

  /** Null when every frame holds; "" when some branch is simply not taken; else the plugin missing. */
  private static String inactiveReason(Deque<Frame> frames) {
    String plugin = null;
    for (Frame f : frames) {
      if (!f.active()) {
        if (f.missingPlugin() == null) {
          return "";
        }
        plugin = f.missingPlugin();
      }
    }
    return plugin;
  }

  private Frame condition(String expr, String where) {
    Matcher only = Pattern.compile("^\\(?\\s*plugin\\(\\s*([\\w:]+)\\s*\\)\\s*\\)?$").matcher(expr);
    if (only.matches()) {
      String plugin = shortName(only.group(1));
      boolean have = PLUGINS.contains(plugin);
      return new Frame(have, have ? null : plugin);
    }
    String e = CAN.matcher(expr).replaceAll(m -> FEATURES.contains(m.group(1).replaceAll(".*::", "")) ? "1" : "0");
    e = PLUGIN.matcher(e).replaceAll(m -> PLUGINS.contains(shortName(m.group(1))) ? "1" : "0");
    e = e.replaceAll("\\bversion\\b", String.valueOf(VERSION)).replaceAll("\\bperl_version\\b", "5.036");
    try {
      return new Frame(MetaExpression.parse(e).test(n -> 0), null);
    } catch (MetaExpression.SyntaxError ex) {
      warnings.add(where + ": if " + expr + ": " + ex.getMessage() + " (taken as false)");
      return new Frame(false, null);
    }
  }

  private static String shortName(String plugin) {
    String p = plugin.strip();
    return p.substring(p.lastIndexOf(':') + 1);
  }

  private void directive(String keyword, String rest, String where) {
    Rule.Kind kind = Rule.Kind.of(keyword);
    if (kind != null) {
      String[] nt = rest.split("\\s+", 2);
      if (nt.length < 2 || !NAME.matcher(nt[0]).matches()) {
        warnings.add(where + ": " + keyword + " needs a name (letters, digits, _) and a definition");
        return;
      }
      definitions.remove(nt[0]); // keep the order of the last definition
      definitions.put(nt[0], new Definition(nt[0], kind, nt[1].strip(), where));
      skipped.remove(nt[0]);
      return;
    }
    String[] nt = rest.split("\\s+", 2);
    String name = nt[0];
    String value = nt.length > 1 ? nt[1].strip() : "";
    switch (keyword) {
      case "describe" -> descriptions.put(name, value);
      case "score" -> score(name, value, where);
      case "tflags" -> {
        Set<String> flags = new LinkedHashSet<>();
        for (String f : value.split("\\s+")) {
          if (!f.isEmpty()) {
            flags.add(f.toLowerCase(Locale.ROOT));
          }
        }
        tflags.put(name, flags);
      }
      case "replace_tag" -> tags.put(name, value);
      case "replace_pre" -> tagPre.put(name, value);
      case "replace_inter" -> tagInter.put(name, value);
      case "replace_post" -> tagPost.put(name, value);
      case "replace_rules" -> {
        for (String r : rest.split("\\s+")) {
          replaceRules.add(r);
        }
      }
      case "replace_start" -> replaceStart = rest;
      case "replace_end" -> replaceEnd = rest;
      default -> {} // priority, reuse, test, require_version, plugin settings: not ours to act on
    }
  }

  /** {@code score NAME s [s1 s2 s3]}: with four, the third (score set 2: Bayes on, network off). */
  private void score(String name, String value, String where) {
    String[] s = value.replace("(", "").replace(")", "").split("\\s+");
    try {
      double v = Double.parseDouble(s.length >= 4 ? s[2] : s[0]);
      if (!NAME.matcher(name).matches()) {
        throw new NumberFormatException();
      }
      scores.put(name, v);
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      warnings.add(where + ": score " + name + " " + value + ": not a number");
    }
  }

  /** Removes a {@code #} comment; {@code \#} is a literal {@code #}. */
  static String stripComment(String line) {
    if (line.indexOf('#') < 0) {
      return line;
    }
    StringBuilder b = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '#') {
        b.append('#');
        i++;
      } else if (c == '#') {
        break;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
