package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.AddressParts;
import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** RFC 5228 §5.4 "envelope": the SMTP envelope's from, to (and auth, orig_to as Pigeonhole has them). */
public final class Envelope {
  private Envelope() {}

  public static SieveExtension extension() {
    return SieveExtension.of("envelope", test("envelope", Signature.builder().tags(Signature.MATCH_TAGS)
        .tags(Signature.ADDRESS_PART_TAGS).arg(Type.STRING_LIST, "envelope part")
        .arg(Type.STRING_LIST, "key list").build(), Envelope::check, Envelope::evaluate));
  }

  static boolean knownPart(String p) {
    return switch (p.toLowerCase(Locale.ROOT)) {
      case "from", "to", "auth", "orig_to" -> true;
      default -> false;
    };
  }

  static void check(Checker c, CompiledNode n) {
    for (Template t : n.strings(0)) {
      if (t.isConstant() && !knownPart(t.text())) {
        c.error(n.argAt(0), "specified envelope part '" + t.text() + "' is not supported by the envelope test");
      }
    }
  }

  static boolean evaluate(Execution x, CompiledNode n) throws SieveRuntimeException {
    List<String> values = new ArrayList<>();
    for (Template t : n.strings(0)) {
      String part = t.eval(x).toLowerCase(Locale.ROOT);
      if (!knownPart(part)) {
        continue;
      }
      String addr = x.envelope().part(part);
      if (addr == null) {
        continue;
      }
      if (part.equals("auth")) {
        values.add(addr);
        continue;
      }
      String v = AddressParts.envelopePart(addr, n.addressPart(), Core.delimiters(x));
      if (v != null) {
        values.add(v);
      }
    }
    return n.match().matches(x, values, n.strings(1));
  }
}
