package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;

import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.Type;

/** RFC 5429 "reject" and "ereject": refuse the message with a reason. */
public final class Reject {
  private Reject() {}

  public static SieveExtension reject() {
    return SieveExtension.of("reject", command("reject", Signature.builder().arg(Type.STRING, "reason").build(),
        (x, n) -> x.result().reject(n.at(), new SieveAction.Reject(n.string(0).eval(x)))));
  }

  public static SieveExtension ereject() {
    return SieveExtension.of("ereject", command("ereject", Signature.builder().arg(Type.STRING, "reason").build(),
        (x, n) -> x.result().reject(n.at(), new SieveAction.Ereject(n.string(0).eval(x)))));
  }
}
