package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;

import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;

/**
 * RFC 5228 §4.1 "fileinto", with {@code :copy} (RFC 3894), {@code :flags} (RFC 5232), {@code :create}
 * (RFC 5490) and {@code :specialuse} (RFC 8579).
 */
public final class FileInto {
  private FileInto() {}

  public static SieveExtension extension() {
    return SieveExtension.of("fileinto", command("fileinto", Signature.builder()
        .tag(TagSpec.flag("copy", "copy")).tag(Imap4Flags.FLAGS_TAG).tag(TagSpec.flag("create", "mailbox"))
        .tag(TagSpec.withParameter("specialuse", Type.STRING, "special-use")).arg(Type.STRING, "folder").build(),
        FileInto::check, FileInto::execute));
  }

  static void check(Checker c, CompiledNode n) {
    if (n.string(0).isConstant() && !validMailboxName(n.string(0).text())) {
      c.error(n.argAt(0), "invalid folder name '" + n.string(0).text() + "' specified for fileinto command");
    }
    if (n.has("specialuse") && n.tagString("specialuse").isConstant()
        && !SpecialUse.validFlag(n.tagString("specialuse").text())) {
      c.error(n.tagAt("specialuse"), "invalid special-use flag '" + n.tagString("specialuse").text() + "'");
    }
  }

  /** A mailbox name a store can hold: UTF-8 text without control characters (RFC 5228 §4.1, RFC 3501). */
  static boolean validMailboxName(String name) {
    // U+FFFD stands for bytes that were not UTF-8 (e.g. "${hex:ff}"): not a name a store can hold.
    return !name.isEmpty() && !hasControlCharacter(name) && name.indexOf('\uFFFD') < 0;
  }

  static boolean hasControlCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  static void execute(Execution x, CompiledNode n) throws SieveRuntimeException {
    String mailbox = n.string(0).eval(x);
    if (!validMailboxName(mailbox)) {
      throw new SieveRuntimeException(n.at(), "invalid folder name '" + mailbox + "' specified for fileinto command");
    }
    String use = n.has("specialuse") ? n.tagString("specialuse").eval(x) : null;
    if (use != null && !SpecialUse.validFlag(use)) {
      throw new SieveRuntimeException(n.at(), "invalid special-use flag '" + use + "'");
    }
    x.result().fileInto(n.at(), new SieveAction.FileInto(mailbox, Imap4Flags.flagsOf(x, n), n.has("create"), use,
        n.has("copy")));
  }
}
