package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.Type;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** RFC 5183 "environment": items about the system the script runs in; an unknown item never matches. */
public final class Environment {
  private Environment() {}

  public static SieveExtension extension() {
    return SieveExtension.of("environment", test("environment", Signature.builder().tags(Signature.MATCH_TAGS)
        .arg(Type.STRING, "name").arg(Type.STRING_LIST, "key list").build(), (x, n) -> {
          String name = n.string(0).eval(x).toLowerCase(Locale.ROOT);
          Optional<String> v = x.environment().item(name);
          if (v.isEmpty()) {
            return false;
          }
          return n.match().matches(x, List.of(v.get()), n.strings(1));
        }));
  }
}
