package dev.postamt.imap;

import dev.postamt.store.Rights;
import dev.postamt.store.Shares;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ACL (RFC 4314): SETACL, DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS, with {@code RIGHTS=texk} (the
 * rights {@code t e x k} each stand alone; the obsolete {@code c} and {@code d} are read as {@code k}
 * and {@code xte}, see {@link Rights}). The lists live in {@link Shares}; what the rights allow is
 * checked where each command runs ({@link SharedMailboxes.Target#require}). A user administers the
 * lists of their own mailboxes, and of another's where they hold {@code a}.
 *
 * <p>Choices where the RFC leaves room: identifiers are addresses, {@code anyone}, {@code
 * authenticated} and {@code @domain}; negative rights ({@code -identifier}) are refused with {@code NO};
 * the owner always holds every right, is listed in GETACL, and cannot be changed.
 */
final class AclCommands {
  static final List<String> CAPABILITIES = List.of("ACL", "RIGHTS=texk", "LIST-MYRIGHTS");

  private final ImapSession s;

  AclCommands(ImapSession s) {
    this.s = s;
  }

  // ---- parsing (RFC 4314 §7) -------------------------------------------------------------------------

  /** {@code setacl = "SETACL" SP mailbox SP identifier SP mod-rights} */
  static Command parseSetAcl(CommandParser p) throws ImapException {
    p.sp();
    String mailbox = p.astring();
    p.sp();
    String id = p.astring();
    p.sp();
    return new Command.SetAcl(mailbox, id, p.astring());
  }

  /** {@code deleteacl = "DELETEACL" SP mailbox SP identifier} */
  static Command parseDeleteAcl(CommandParser p) throws ImapException {
    p.sp();
    String mailbox = p.astring();
    p.sp();
    return new Command.DeleteAcl(mailbox, p.astring());
  }

  /** {@code getacl = "GETACL" SP mailbox} */
  static Command parseGetAcl(CommandParser p) throws ImapException {
    p.sp();
    return new Command.GetAcl(p.astring());
  }

  /** {@code listrights = "LISTRIGHTS" SP mailbox SP identifier} */
  static Command parseListRights(CommandParser p) throws ImapException {
    p.sp();
    String mailbox = p.astring();
    p.sp();
    return new Command.ListRights(mailbox, p.astring());
  }

  /** {@code myrights = "MYRIGHTS" SP mailbox} */
  static Command parseMyRights(CommandParser p) throws ImapException {
    p.sp();
    return new Command.MyRights(p.astring());
  }

  // ---- commands --------------------------------------------------------------------------------------

  /** RFC 4314 §3.1: replace, or with {@code +}/{@code -} add to or take from, one identifier's rights. */
  String setAcl(Command.SetAcl c) throws ImapException {
    String name = s.mailboxName(c.mailbox());
    SharedMailboxes.Target t = administered(name);
    String id = identifier(c.identifier(), t);
    refuseOwner(id, t);
    String mod = c.rights();
    char op = mod.isEmpty() ? ' ' : mod.charAt(0);
    Rights given;
    try {
      given = Rights.parse(op == '+' || op == '-' ? mod.substring(1) : mod);
    } catch (IllegalArgumentException e) {
      throw ImapException.bad(e.getMessage()); // RFC 4314 §3.1: an unknown right is BAD
    }
    Shares shares = s.shared.shares();
    String owner = ownerOf(t);
    Rights now = shares.acl(owner, t.local()).getOrDefault(id, Rights.NONE);
    Rights next = switch (op) {
      case '+' -> now.plus(given);
      case '-' -> now.minus(given);
      default -> given;
    };
    shares.grant(owner, t.local(), id, next);
    return "SETACL completed";
  }

  /** RFC 4314 §3.2. */
  String deleteAcl(Command.DeleteAcl c) throws ImapException {
    String name = s.mailboxName(c.mailbox());
    SharedMailboxes.Target t = administered(name);
    String id = identifier(c.identifier(), t);
    refuseOwner(id, t);
    s.shared.shares().revoke(ownerOf(t), t.local(), id);
    return "DELETEACL completed";
  }

  /** RFC 4314 §3.3: {@code * ACL mailbox identifier rights ...}, the owner first. */
  String getAcl(Command.GetAcl c) throws ImapException, IOException {
    String name = s.mailboxName(c.mailbox());
    SharedMailboxes.Target t = administered(name);
    String owner = ownerOf(t);
    StringBuilder b = new StringBuilder("ACL ").append(s.wireName(name));
    b.append(' ').append(astring(owner)).append(' ').append(Rights.ALL.wire());
    for (Map.Entry<String, Rights> e : s.shared.shares().acl(owner, t.local()).entrySet()) {
      b.append(' ').append(astring(e.getKey())).append(' ').append(e.getValue().wire());
    }
    s.w.untagged(b.toString());
    return "GETACL completed";
  }

  /**
   * RFC 4314 §3.4: the rights always granted, then each right that may be granted alone ({@code
   * RIGHTS=texk}: no right is tied to another). The owner is granted everything and nothing else.
   */
  String listRights(Command.ListRights c) throws ImapException, IOException {
    String name = s.mailboxName(c.mailbox());
    SharedMailboxes.Target t = administered(name);
    String id = identifier(c.identifier(), t);
    String head = "LISTRIGHTS " + s.wireName(name) + " " + astring(id) + " ";
    if (id.equals(ownerOf(t))) {
      s.w.untagged(head + Rights.ALL.wire());
    } else {
      s.w.untagged(head + "\"\" " + String.join(" ", Rights.ORDER.split("")));
    }
    return "LISTRIGHTS completed";
  }

  /** RFC 4314 §3.5: any right on the mailbox lets the user ask. */
  String myRights(Command.MyRights c) throws ImapException, IOException {
    String name = s.mailboxName(c.mailbox());
    SharedMailboxes.Target t = s.shared.resolve(name);
    if (t.own() && s.account.mailbox(name).isEmpty()) {
      throw ImapException.no("NONEXISTENT", "Mailbox doesn't exist: " + name);
    }
    s.w.untagged("MYRIGHTS " + s.wireName(name) + " " + t.rights().wire());
    return "MYRIGHTS completed";
  }

  /** The mailbox, which must exist and whose list the user may administer ({@code a}, RFC 4314 §4). */
  private SharedMailboxes.Target administered(String name) throws ImapException {
    SharedMailboxes.Target t = s.shared.resolve(name);
    if (t.own() && s.account.mailbox(name).isEmpty()) {
      throw ImapException.no("NONEXISTENT", "Mailbox doesn't exist: " + name);
    }
    t.require('a', "administer the access list of this mailbox");
    return t;
  }

  private String ownerOf(SharedMailboxes.Target t) {
    return t.own() ? s.shared.user() : t.owner();
  }

  private String identifier(String raw, SharedMailboxes.Target t) throws ImapException {
    if (raw.startsWith("-")) {
      throw ImapException.no("CANNOT", "Negative rights are not supported"); // RFC 4314 §2: a server may refuse
    }
    Optional<String> id = Shares.identifier(raw);
    if (id.isEmpty()) {
      throw ImapException.no("CANNOT", "Unknown identifier " + CommandParser.printable(raw)
          + " (an address, @domain, anyone or authenticated)");
    }
    return id.get();
  }

  /** SETACL and DELETEACL for the owner: the owner's rights are fixed. */
  private void refuseOwner(String id, SharedMailboxes.Target t) throws ImapException {
    if (id.equals(ownerOf(t))) {
      throw ImapException.no("CANNOT", "The owner always has every right");
    }
  }

  /** An identifier as an atom when it is one, else quoted. */
  static String astring(String v) {
    return !v.isEmpty() && v.chars().allMatch(ch -> ch > ' ' && ch < 127 && "(){%*\"\\]".indexOf(ch) < 0)
        ? v : ResponseWriter.quote(v);
  }
}
