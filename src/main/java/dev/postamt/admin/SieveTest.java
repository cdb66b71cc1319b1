package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.mda.SieveDelivery;
import dev.postamt.mda.SieveFilter;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveMessage;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.store.MailStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code postamt sieve test ADDRESS MESSAGE-FILE}: what the scripts that run for a user ({@code [sieve]
 * before}, the active script or the default, {@code after}) would do with a message, printed like
 * Pigeonhole's {@code sieve-test}: the performed actions, then the implicit keep, then errors and notes.
 * Nothing is delivered, sent or recorded. The user's mailboxes and vacation records are read as
 * delivery reads them, so a {@code fileinto} or a vacation answers as it would now.
 */
public final class SieveTest {
  private SieveTest() {}

  /**
   * @param scripts the users' scripts, or null when there is no script store (then only the
   *     administrator scripts and the default run)
   */
  public static List<String> run(Config config, SieveScripts scripts, String address, Path messageFile) {
    byte[] message;
    try {
      message = Files.readAllBytes(messageFile);
    } catch (IOException e) {
      throw new AdminException("cannot read " + messageFile + ": " + e.getMessage(), e);
    }
    return run(config, scripts, address, message);
  }

  public static List<String> run(Config config, SieveScripts scripts, String address, byte[] message) {
    String user = address.strip().toLowerCase(Locale.ROOT);
    if (user.indexOf('@') <= 0) {
      throw new AdminException("not an address: " + address);
    }
    SieveEnvelope envelope = new SieveEnvelope(sender(message), user, null, null);
    SieveFilter.Decision d;
    try (MailStore store = MailStore.open(config);
        SieveDelivery sieve = new SieveDelivery(config, store.exists(user) ? store : null, scripts, null)) {
      d = sieve.dryRun(user, message, envelope);
    } catch (SieveStoreException e) {
      throw new AdminException("cannot read the Sieve scripts of " + user + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new AdminException("cannot open the Sieve state under " + config.dataDir() + ": " + e.getMessage(), e);
    }
    return describe(d);
  }

  /** The Pigeonhole sieve-test layout. */
  public static List<String> describe(SieveFilter.Decision d) {
    List<String> performed = new ArrayList<>();
    String implicit = null;
    for (SieveAction a : d.actions()) {
      if (a instanceof SieveAction.Keep k && d.implicitKeep()) {
        implicit = " * store message in folder: INBOX" + flags(k.flags());
        continue;
      }
      String line = switch (a) {
        case SieveAction.Keep k -> "store message in folder: INBOX" + flags(k.flags());
        case SieveAction.FileInto f -> "store message in folder: " + f.mailbox()
            + (f.specialUse() != null ? " (special-use " + f.specialUse() + ")" : "")
            + (f.create() ? " (create)" : "") + flags(f.flags());
        case SieveAction.Redirect r -> "redirect message to: " + r.address() + (r.copy() ? " (copy)" : "");
        case SieveAction.Discard x -> "discard";
        case SieveAction.Reject r -> "reject message with reason: " + r.reason().strip();
        case SieveAction.Ereject r -> "reject message with reason: " + r.reason().strip();
        case SieveAction.Vacation v -> v.due() ? "send vacation message to: " + v.recipient()
            : "vacation: no reply (" + v.suppressed() + ")";
        case SieveAction.Notify n -> "send notification: " + n.method();
        case SieveAction.AddHeader h -> "add header: " + h.name() + ": " + h.value();
        case SieveAction.DeleteHeader h -> "delete header: " + h.name() + " (" + h.deleted() + ")";
      };
      performed.add(" * " + line);
    }
    List<String> out = new ArrayList<>();
    out.add("Performed actions:");
    out.add("");
    out.addAll(performed.isEmpty() ? List.of("  (none)") : performed);
    out.add("");
    out.add("Implicit keep:");
    out.add("");
    out.add(implicit == null ? "  (none)" : implicit);
    out.add("");
    for (SieveFilter.ScriptError e : d.errors()) {
      out.add("error: " + e + "; the message is kept in INBOX");
    }
    for (String t : d.trace()) {
      out.add("info: " + t);
    }
    out.add("info: final result: " + (d.failed() ? "failed (implicit keep)" : "success"));
    return out;
  }

  private static String flags(List<String> flags) {
    return flags.isEmpty() ? "" : " (flags: " + String.join(" ", flags) + ")";
  }

  /** The envelope sender: the file's Return-Path, else its From address. */
  static String sender(byte[] message) {
    SieveMessage m = dev.postamt.sieve.MimeSieveMessage.parse(message);
    for (String name : List.of("Return-Path", "From")) {
      List<String> v = m.headerValues(name);
      if (!v.isEmpty()) {
        String s = v.getFirst().strip();
        int lt = s.lastIndexOf('<');
        int gt = s.lastIndexOf('>');
        return lt >= 0 && gt > lt ? s.substring(lt + 1, gt) : s;
      }
    }
    return "";
  }
}
