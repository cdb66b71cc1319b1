package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;

import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.ScriptLoader;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.SieveScript;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 6609 "include": include, return and global. Included scripts are found through the compiler's
 * {@link ScriptLoader} and compiled with the including script, so a missing or broken script is an error
 * at upload, not at delivery ({@code :optional} makes a missing one fine).
 */
public final class Include {
  private Include() {}

  static final String LOCATION = "location";

  public static SieveExtension extension() {
    return SieveExtension.of("include",
        command("include", Signature.builder().tag(new TagSpec("personal", Type.NONE, LOCATION, null))
            .tag(new TagSpec("global", Type.NONE, LOCATION, null)).tag(TagSpec.flag("once"))
            .tag(TagSpec.flag("optional")).arg(Type.STRING, "script name").build(), Include::check, Include::execute),
        command("return", Signature.builder().build(), (x, n) -> x.returnFromScript()),
        command("global", Signature.builder().arg(Type.STRING_LIST, "variable names").build(), Include::checkGlobal,
            (x, n) -> {
              for (Template t : n.strings(0)) {
                x.declareGlobal(t.text().toLowerCase(java.util.Locale.ROOT));
              }
            }));
  }

  static boolean validScriptName(String name) {
    return !name.isEmpty() && name.length() <= 256 && !name.contains("/") && !FileInto.hasControlCharacter(name);
  }

  static void check(Checker c, CompiledNode n) {
    Template t = n.string(0);
    if (!t.isConstant()) {
      c.error(n.argAt(0), "the include command requires a constant script name");
      return;
    }
    if (!validScriptName(t.text())) {
      c.error(n.argAt(0), "include: invalid script name '" + t.text() + "'");
      return;
    }
    ScriptLoader.Location where = n.has("global") ? ScriptLoader.Location.GLOBAL : ScriptLoader.Location.PERSONAL;
    int max = maxIncludes(c);
    if (!c.isIncluded(where + ":" + t.text()) && c.includedScripts() >= max) {
      c.error(n.argAt(0), "failed to include script '" + t.text() + "': no more than " + max
          + " includes allowed in total");
      return;
    }
    Optional<String> text = c.loader().load(t.text(), where);
    if (text.isEmpty()) {
      if (!n.has("optional")) {
        c.error(n.argAt(0), "included " + where.name().toLowerCase(java.util.Locale.ROOT) + " script '" + t.text()
            + "' does not exist");
      }
      return;
    }
    n.data(c.compileIncluded(n.argAt(0), where + ":" + t.text(), t.text(), text.get(), n.has("once")));
  }

  /** Pigeonhole's sieve_include_max_includes: scripts included in one compilation, 255 by default. */
  static int maxIncludes(Checker c) {
    try {
      return c.compiler().setting("sieve_include_max_includes").map(v -> Integer.parseInt(v.strip())).orElse(255);
    } catch (NumberFormatException e) {
      return 255;
    }
  }

  static void checkGlobal(Checker c, CompiledNode n) {
    if (!c.requires("variables")) {
      c.error(n.at(), "the global command requires the variables extension");
    }
    for (Template t : n.strings(0)) {
      if (!t.isConstant() || !Template.isVariableName(t.text(), false)) {
        c.error(n.argAt(0), "invalid variable name '" + t.text() + "' for global command");
      } else {
        String name = t.text().toLowerCase(java.util.Locale.ROOT);
        // RFC 6609 §3.3: a variable used as a local one before cannot become global.
        if (c.isMarked("local-variable:" + name)) {
          c.error(n.argAt(0), "variable '" + t.text() + "' is already used as a local variable");
        }
        c.mark("global-variable:" + name);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static void execute(Execution x, CompiledNode n) throws SieveRuntimeException {
    java.util.function.Supplier<SieveScript> ref = n.data();
    SieveScript s = ref == null ? null : ref.get();
    if (s == null) {
      return; // optional and missing
    }
    Set<String> done = (Set<String>) x.state().computeIfAbsent(Include.class, k -> new HashSet<String>());
    String key = (n.has("global") ? "global:" : "personal:") + s.name();
    if (n.has("once") && done.contains(key)) {
      return;
    }
    done.add(key);
    Integer depth = (Integer) x.state().getOrDefault("include-depth", 0);
    if (depth >= x.limits().maxIncludeDepth()) {
      throw new SieveRuntimeException(n.at(), "include nesting is too deep");
    }
    x.state().put("include-depth", depth + 1);
    try {
      x.include(s);
    } finally {
      x.state().put("include-depth", depth);
    }
  }
}
