package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.test;

import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;

/** RFC 5490 "mailbox": the mailboxexists test and fileinto {@code :create}. */
public final class MailboxExt {
  private MailboxExt() {}

  public static SieveExtension extension() {
    return SieveExtension.of("mailbox", test("mailboxexists",
        Signature.builder().arg(Type.STRING_LIST, "mailbox names").build(), (x, n) -> {
          for (Template t : n.strings(0)) {
            String name = t.eval(x);
            if (!FileInto.validMailboxName(name) || !x.environment().mailboxExists(name)) {
              return false;
            }
          }
          return true;
        }));
  }
}
