package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;
import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RFC 5232 "imap4flags": setflag/addflag/removeflag on the internal flag variable or on a named
 * variable, the hasflag test, and {@code :flags} on keep and fileinto. Without {@code :flags} the stored
 * message gets the internal variable's flags.
 */
public final class Imap4Flags {
  private Imap4Flags() {}

  static final TagSpec FLAGS_TAG = TagSpec.withParameter("flags", Type.STRING_LIST, "imap4flags");

  enum Op { SET, ADD, REMOVE }

  public static SieveExtension extension() {
    return SieveExtension.of("imap4flags",
        flagCommand("setflag", Op.SET), flagCommand("addflag", Op.ADD), flagCommand("removeflag", Op.REMOVE),
        test("hasflag", Signature.builder().tags(Signature.MATCH_TAGS).arg(Type.STRING_LIST, "variable list")
            .optionalArg(Type.STRING_LIST, "list of flags").build(), Imap4Flags::checkHasflag, Imap4Flags::hasflag));
  }

  private static dev.postamt.sieve.SieveCommand flagCommand(String name, Op op) {
    return command(name, Signature.builder().arg(Type.STRING_LIST, "variable name")
        .optionalArg(Type.STRING_LIST, "list of flags").build(), Imap4Flags::checkVariableArgument,
        (x, n) -> {
          List<Template> names = n.argCount() == 2 ? n.strings(0) : null;
          List<String> given = parse(dev.postamt.sieve.Definitions.eval(x, n.strings(n.argCount() - 1)));
          if (names == null) {
            x.setFlags(apply(x.flags(), given, op));
          } else {
            for (Template v : names) {
              String var = v.eval(x).toLowerCase(Locale.ROOT);
              x.setVariable(var, String.join(" ", apply(parse(List.of(x.variable(var))), given, op)));
            }
          }
        });
  }

  static void checkVariableArgument(Checker c, CompiledNode n) {
    if (n.argCount() == 2) {
      if (!c.requires("variables")) {
        c.error(n.argAt(0), n.def().describe() + " takes a variable name only with require \"variables\"");
        return;
      }
      for (Template t : n.strings(0)) {
        if (!Template.isVariableName(t.text(), false)) {
          c.error(n.argAt(0), "invalid variable name '" + t.text() + "'");
        }
      }
    }
  }

  static void checkHasflag(Checker c, CompiledNode n) {
    checkVariableArgument(c, n);
  }

  static boolean hasflag(Execution x, CompiledNode n) throws SieveRuntimeException {
    List<String> current;
    if (n.argCount() == 2) {
      List<String> raw = new ArrayList<>();
      for (Template v : n.strings(0)) {
        raw.add(x.variable(v.eval(x).toLowerCase(Locale.ROOT)));
      }
      current = parse(raw);
    } else {
      current = x.flags();
    }
    // RFC 5232 §5: the keys are flag lists too; each flag in them is a key of its own.
    List<Template> keys = new ArrayList<>();
    for (String flag : parse(dev.postamt.sieve.Definitions.eval(x, n.strings(n.argCount() - 1)))) {
      keys.add(Template.constant(flag));
    }
    return n.match().matches(x, current, keys);
  }

  /** The flags in a list of space-separated flag strings, first spelling kept, duplicates dropped. */
  static List<String> parse(List<String> strings) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String s : strings) {
      for (String f : s.split("[ \t\r\n]+")) {
        if (!f.isEmpty()) {
          out.putIfAbsent(f.toLowerCase(Locale.ROOT), f);
        }
      }
    }
    return List.copyOf(out.values());
  }

  static List<String> apply(List<String> current, List<String> given, Op op) {
    if (op == Op.SET) {
      return given;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String f : current) {
      out.putIfAbsent(f.toLowerCase(Locale.ROOT), f);
    }
    for (String f : given) {
      if (op == Op.ADD) {
        out.putIfAbsent(f.toLowerCase(Locale.ROOT), f);
      } else {
        out.remove(f.toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(out.values());
  }

  /** The flags for a keep or fileinto: its :flags, else the internal variable. */
  static List<String> flagsOf(Execution x, CompiledNode n) {
    if (n.has("flags")) {
      return parse(dev.postamt.sieve.Definitions.eval(x, n.tagStrings("flags")));
    }
    return x.flags();
  }
}
