package dev.postamt.sieve.ext;

import dev.postamt.sieve.SieveExtension;
import java.util.List;

/** Every extension this build implements, in the order of the RFCs that define them. */
public final class Extensions {
  private Extensions() {}

  /**
   * A compiler with every extension this build implements, default limits and no scripts to include
   * (the language core in {@code sieve} knows no extension; this package registers them).
   */
  public static dev.postamt.sieve.SieveCompiler standardCompiler() {
    return new dev.postamt.sieve.SieveCompiler(all(), dev.postamt.sieve.SieveLimits.DEFAULTS, dev.postamt.sieve.ScriptLoader.NONE);
  }

  public static List<SieveExtension> all() {
    List<SieveExtension> all = new java.util.ArrayList<>(List.of(
        Core.extension(),
        SieveExtension.of("encoded-character"),
        Envelope.extension(),
        FileInto.extension(),
        Reject.reject(),
        Reject.ereject(),
        SieveExtension.of("copy"),
        Imap4Flags.extension(),
        Variables.extension(),
        SieveExtension.of("relational"),
        SieveExtension.of("comparator-i;ascii-numeric"),
        SieveExtension.of("comparator-i;octet"),
        SieveExtension.of("comparator-i;ascii-casemap"),
        SieveExtension.of("subaddress"),
        MailboxExt.extension(),
        SpecialUse.extension(),
        Index.extension(),
        SieveExtension.of("regex"),
        Body.extension(),
        Date.extension(),
        Environment.extension(),
        EditHeader.extension(),
        Duplicate.extension(),
        Include.extension(),
        Enotify.extension()));
    all.addAll(Vacation.extensions());
    all.addAll(SpamVirusTest.extensions());
    return List.copyOf(all);
  }
}
