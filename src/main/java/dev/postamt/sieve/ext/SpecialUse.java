package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;

/** RFC 8579 "special-use": the specialuse_exists test and fileinto {@code :specialuse}. */
public final class SpecialUse {
  private SpecialUse() {}

  public static SieveExtension extension() {
    return SieveExtension.of("special-use", test("specialuse_exists", Signature.builder()
        .arg(Type.STRING_LIST, "mailbox or special-use flags").optionalArg(Type.STRING_LIST, "special-use flags").build(),
        SpecialUse::check, SpecialUse::evaluate));
  }

  /** RFC 6154 §2: a special-use attribute is a backslash and an atom. */
  static boolean validFlag(String f) {
    if (f.length() < 2 || f.charAt(0) != '\\') {
      return false;
    }
    for (int i = 1; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c <= 32 || c >= 127 || "(){%*\"\\]".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  static void check(Checker c, CompiledNode n) {
    for (Template t : n.strings(n.argCount() - 1)) {
      if (t.isConstant() && !validFlag(t.text())) {
        c.error(n.argAt(n.argCount() - 1), "invalid special-use flag '" + t.text() + "' specified");
      }
    }
  }

  static boolean evaluate(Execution x, CompiledNode n) {
    if (n.argCount() == 2) {
      // With a mailbox name: does that mailbox have all the flags? The environment only maps flag to
      // mailbox, so check that each flag points to it.
      String mailbox = n.strings(0).isEmpty() ? "" : n.strings(0).get(0).eval(x);
      if (!x.environment().mailboxExists(mailbox)) {
        return false;
      }
      for (Template t : n.strings(1)) {
        if (!x.environment().specialUseMailbox(t.eval(x)).map(mailbox::equals).orElse(false)) {
          return false;
        }
      }
      return true;
    }
    for (Template t : n.strings(0)) {
      if (x.environment().specialUseMailbox(t.eval(x)).isEmpty()) {
        return false;
      }
    }
    return true;
  }
}
