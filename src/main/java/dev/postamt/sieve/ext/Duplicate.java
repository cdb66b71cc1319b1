package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import java.time.Duration;
import java.util.List;

/**
 * RFC 7352 "duplicate": true when a message with the same unique id (the Message-ID by default, another
 * header with {@code :header}, or a value with {@code :uniqueid}) was seen within the period. The
 * tracking itself is the environment's ({@link dev.postamt.sieve.SieveEnvironment#duplicateSeen}).
 */
public final class Duplicate {
  private Duplicate() {}

  static final Duration DEFAULT_PERIOD = Duration.ofDays(7);
  static final Duration MAX_PERIOD = Duration.ofDays(7);

  public static SieveExtension extension() {
    return SieveExtension.of("duplicate", test("duplicate", Signature.builder()
        .tag(TagSpec.withParameter("handle", Type.STRING, null))
        .tag(new TagSpec("header", Type.STRING, "unique id", null))
        .tag(new TagSpec("uniqueid", Type.STRING, "unique id", null))
        .tag(TagSpec.withParameter("seconds", Type.NUMBER, null)).tag(TagSpec.flag("last")).build(),
        Duplicate::check, Duplicate::evaluate));
  }

  static void check(Checker c, CompiledNode n) {
    if (n.has("header") && n.tagString("header").isConstant() && !Core.validHeaderName(n.tagString("header").text())) {
      c.error(n.tagAt("header"), "specified header field name '" + n.tagString("header").text() + "' is invalid");
    }
  }

  static boolean evaluate(Execution x, CompiledNode n) {
    String id;
    if (n.has("uniqueid")) {
      id = n.tagString("uniqueid").eval(x);
    } else {
      List<String> v = x.headerValues(n.has("header") ? n.tagString("header").eval(x) : "Message-ID");
      if (v.isEmpty()) {
        return false;
      }
      id = v.get(0).strip();
    }
    String handle = n.has("handle") ? n.tagString("handle").eval(x) : "";
    Duration period = n.has("seconds") ? Duration.ofSeconds(n.tagNumber("seconds", 0)) : DEFAULT_PERIOD;
    if (period.compareTo(MAX_PERIOD) > 0) {
      period = MAX_PERIOD;
    }
    // Within one run the same id answers the same, whatever the store says in between.
    String key = "duplicate\0" + handle + "\0" + id;
    Object seen = x.state().get(key);
    if (seen != null) {
      return (Boolean) seen;
    }
    boolean result = x.environment().duplicateSeen(handle.isEmpty() ? id : handle + "\0" + id, period);
    x.state().put(key, result);
    return result;
  }
}
