package dev.postamt.imap;

import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MailboxNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Commands on mailboxes as a whole: SELECT/EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE, LIST/LSUB,
 * STATUS, APPEND (RFC 3501 §6.3). Hierarchy separator is {@code /}.
 */
final class MailboxCommands {
  private static final String SEP = String.valueOf(MailboxNames.SEPARATOR);
  private final ImapSession s;

  MailboxCommands(ImapSession s) {
    this.s = s;
  }

  // ---- parsing (RFC 3501 §6.3, RFC 7162 §3.2.5) ---------------------------------------------------

  /** SELECT and EXAMINE, with the CONDSTORE and QRESYNC parameters of RFC 7162. */
  static Command parseSelect(CommandParser p, boolean readOnly) throws ImapException {
    p.sp();
    String mailbox = p.astring();
    boolean condstore = false;
    Optional<Command.QresyncParams> qresync = Optional.empty();
    if (p.peek() == ' ') {
      p.sp();
      p.expect('(');
      while (p.peek() != ')') {
        if (p.peek() == ' ') {
          p.sp();
        }
        String param = p.atom();
        if (param.equalsIgnoreCase("CONDSTORE")) {
          condstore = true;
        } else if (param.equalsIgnoreCase("QRESYNC") && qresync.isEmpty()) {
          p.sp();
          qresync = Optional.of(qresyncParams(p));
        } else {
          throw ImapException.bad("Unknown SELECT parameter " + CommandParser.printable(param));
        }
      }
      p.expect(')');
    }
    return new Command.Select(mailbox, readOnly, condstore, qresync);
  }

  /** RFC 7162 §7: {@code "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"}. */
  private static Command.QresyncParams qresyncParams(CommandParser p) throws ImapException {
    p.expect('(');
    long uidValidity = p.number();
    if (uidValidity > 0xFFFFFFFFL) {
      throw ImapException.bad("Invalid UIDVALIDITY");
    }
    p.sp();
    long modseq = p.number0(); // the grammar wants >= 1; a client that never saw a MODSEQ may send 0
    Optional<SequenceSet> known = Optional.empty();
    Optional<SequenceSet> seqs = Optional.empty();
    Optional<SequenceSet> uids = Optional.empty();
    if (p.peek() == ' ') {
      p.sp();
      if (p.peek() != '(') {
        known = Optional.of(explicitSet(p));
        if (p.peek() == ' ') {
          p.sp();
        }
      }
      if (p.peek() == '(') {
        p.pos++;
        seqs = Optional.of(explicitSet(p));
        p.sp();
        uids = Optional.of(explicitSet(p));
        p.expect(')');
        if (count(seqs.get()) != count(uids.get())) {
          throw ImapException.bad("QRESYNC sequence match data: sets differ in size");
        }
      }
    }
    p.expect(')');
    return new Command.QresyncParams(uidValidity, modseq, known, seqs, uids);
  }

  /** A sequence set without {@code *} or {@code $}, as RFC 7162 wants for known UIDs and match data. */
  private static SequenceSet explicitSet(CommandParser p) throws ImapException {
    SequenceSet set = p.sequenceSet();
    if (set.saved() || set.hasStar()) {
      throw ImapException.bad("QRESYNC sets may not contain * or $");
    }
    return set;
  }

  private static long count(SequenceSet set) {
    long n = 0;
    for (SequenceSet.Range r : set.ranges()) {
      n += r.hi(0) - r.lo(0) + 1;
    }
    return n;
  }

  static Command parseCreate(CommandParser p) throws ImapException {
    p.sp();
    String mailbox = p.astring();
    List<String> use = new ArrayList<>();
    if (p.peek() == ' ') {
      p.sp();
      p.expect('(');
      String kw = p.atom();
      if (!kw.equalsIgnoreCase("USE")) {
        throw ImapException.bad("Unknown CREATE parameter " + kw);
      }
      p.sp();
      use.addAll(p.flagList());
      p.expect(')');
    }
    return new Command.Create(mailbox, use);
  }

  static Command parseDelete(CommandParser p) throws ImapException {
    p.sp();
    return new Command.Delete(p.astring());
  }

  static Command parseRename(CommandParser p) throws ImapException {
    p.sp();
    String from = p.astring();
    p.sp();
    return new Command.Rename(from, p.astring());
  }

  static Command parseSubscribe(CommandParser p, boolean on) throws ImapException {
    p.sp();
    return new Command.Subscribe(p.astring(), on);
  }

  static Command parseStatus(CommandParser p) throws ImapException {
    p.sp();
    String mailbox = p.astring();
    p.sp();
    List<String> items = p.atomList();
    if (items.isEmpty()) {
      throw ImapException.bad("STATUS needs data items");
    }
    return new Command.Status(mailbox, items);
  }

  // ---- running -----------------------------------------------------------------------------------

  String select(Command.Select c) throws ImapException, IOException {
    if (c.qresync().isPresent() && !s.qresync) {
      throw ImapException.bad("QRESYNC parameter needs ENABLE QRESYNC first"); // RFC 7162 §3.2.5
    }
    if (s.selected != null) {
      s.selected = null;
      s.state = State.AUTHENTICATED;
      s.w.untagged("OK [CLOSED] Previous mailbox closed");
    }
    String name = s.mailboxName(c.mailbox());
    SharedMailboxes.Target t = s.shared.resolve(name);
    MailboxInfo info = t.account().mailbox(t.local())
        .orElseThrow(() -> ImapException.no("NONEXISTENT", "Mailbox doesn't exist: " + name));
    t.require('r', "read this mailbox"); // RFC 4314 §4: SELECT and EXAMINE need r
    if (c.condstore()) {
      s.enableCondstore();
    }
    // RFC 4314 §4: without any right to change it, the mailbox is selected read-only.
    boolean readOnly = c.readOnly() || !AclChecks.mayChange(t.rights());
    SelectedMailbox sel = new SelectedMailbox(t.account(), info, readOnly);
    sel.rights = t.rights();
    sel.condstore = s.condstore;
    sel.qresync = s.qresync;
    sel.rev2 = s.rev2;
    sel.uidOnly = s.uidOnly;
    sel.writeFlags(s.w);
    s.w.untagged(sel.size() + " EXISTS");
    if (s.rev2) {
      // RFC 9051 §6.3.2: LIST with the mailbox name is required; RECENT and UNSEEN are gone (Appendix E).
      s.w.untagged("LIST () \"/\" " + s.wireName(name));
    } else {
      s.w.untagged(sel.recentCount() + " RECENT");
      for (int msn = 1; msn <= sel.size() && !s.uidOnly; msn++) { // RFC 9586 §3: UNSEEN is a sequence number
        if (!sel.record(msn).has(Flags.SEEN)) {
          s.w.untagged("OK [UNSEEN " + msn + "] First unseen");
          break;
        }
      }
    }
    s.w.untagged("OK [UIDVALIDITY " + sel.uidValidity + "] UIDs valid");
    s.w.untagged("OK [UIDNEXT " + sel.uidNext() + "] Predicted next UID");
    s.w.untagged("OK [HIGHESTMODSEQ " + sel.highestModseq() + "] Highest");
    s.w.untagged("OK [MAILBOXID (" + ObjectIds.mailbox(info) + ")] Ok"); // RFC 8474 §4.2
    s.w.untagged("OK [" + UrlAuthCommands.URLMECH + "] URLAUTH mechanisms"); // RFC 4467 §8
    // RFC 7162 §3.2.5: a UIDVALIDITY that no longer matches makes it a plain SELECT.
    if (c.qresync().isPresent() && c.qresync().get().uidValidity() == sel.uidValidity) {
      Qresync.resync(sel, c.qresync().get(), s.w);
    }
    s.selected = sel;
    s.state = State.SELECTED;
    return (readOnly ? "[READ-ONLY] " : "[READ-WRITE] ") + (c.readOnly() ? "EXAMINE" : "SELECT") + " completed";
  }

  String create(Command.Create c) throws ImapException {
    String name = s.mailboxName(c.mailbox());
    while (name.endsWith(SEP)) {
      name = name.substring(0, name.length() - 1); // RFC 3501 §6.3.3: a trailing separator is a hint
    }
    if (name.equals(MailboxNames.INBOX)) {
      throw ImapException.no("ALREADYEXISTS", "INBOX always exists");
    }
    String use = null;
    for (String u : c.specialUse()) {
      String canonical = u.length() < 2 ? u
          : u.substring(0, 2).toUpperCase(Locale.ROOT) + u.substring(2).toLowerCase(Locale.ROOT);
      if (!List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash").contains(canonical)) {
        throw ImapException.no("USEATTR", "Unsupported special-use attribute " + u);
      }
      use = canonical;
    }
    SharedMailboxes.Target t = s.shared.resolveForCreate(name);
    t.require('k', "create mailboxes here"); // RFC 4314 §4: CREATE needs k on the parent
    MailboxInfo created = t.account().create(t.local(), use);
    return "[MAILBOXID (" + ObjectIds.mailbox(created) + ")] CREATE completed"; // RFC 8474 §4.1
  }

  String delete(Command.Delete c) throws ImapException {
    String name = s.mailboxName(c.mailbox());
    SharedMailboxes.Target t = s.shared.resolve(name);
    t.require('x', "delete this mailbox"); // RFC 4314 §4
    if (s.selected != null && s.selected.account == t.account() && s.selected.name.equals(t.local())) {
      // Deleting the selected mailbox: leave it first, as Dovecot does.
      s.selected = null;
      s.state = State.AUTHENTICATED;
    }
    t.account().delete(t.local());
    s.shared.shares().deleted(t.own() ? s.shared.user() : t.owner(), t.local());
    return "DELETE completed";
  }

  String rename(Command.Rename c) throws ImapException {
    SharedMailboxes.Target from = s.shared.resolve(s.mailboxName(c.from()));
    SharedMailboxes.Target to = s.shared.resolveForCreate(s.mailboxName(c.to()));
    if (from.account() != to.account()) {
      throw ImapException.no("CANNOT", "Mailboxes cannot be renamed into another user's namespace");
    }
    from.require('x', "rename this mailbox"); // RFC 4314 §4: RENAME needs x on the old name, k on the new parent
    to.require('k', "create mailboxes there");
    from.account().rename(from.local(), to.local());
    s.shared.shares().renamed(from.own() ? s.shared.user() : from.owner(), from.local(), to.local());
    return "RENAME completed";
  }

  String subscribe(Command.Subscribe c) throws ImapException {
    s.account.subscribe(s.mailboxName(c.mailbox()), c.subscribe());
    return (c.subscribe() ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed";
  }

  String status(Command.Status c) throws ImapException, IOException {
    String name = s.mailboxName(c.mailbox());
    SharedMailboxes.Target t = s.shared.resolve(name);
    if (t.account().mailbox(t.local()).isEmpty()) {
      throw ImapException.no("NONEXISTENT", "Mailbox doesn't exist: " + name);
    }
    t.require('r', "read this mailbox's status"); // RFC 4314 §4
    s.w.untagged("STATUS " + s.wireName(name) + " (" + statusData(name, c.items()) + ")");
    return "STATUS completed";
  }

  /** The data of a STATUS response (RFC 3501 §7.2.4), also used by LIST-STATUS. */
  String statusData(String name, List<String> items) throws ImapException, IOException {
    SharedMailboxes.Target t = s.shared.resolve(name);
    Account.Status st = t.account().status(t.local());
    List<String> out = new ArrayList<>();
    for (String item : items) {
      switch (item.toUpperCase(Locale.ROOT)) {
        case "MESSAGES" -> out.add("MESSAGES " + st.messages());
        case "RECENT" -> out.add("RECENT " + st.recent());
        case "UIDNEXT" -> out.add("UIDNEXT " + st.info().uidNext());
        case "UIDVALIDITY" -> out.add("UIDVALIDITY " + st.info().uidValidity());
        case "UNSEEN" -> out.add("UNSEEN " + st.unseen());
        case "SIZE" -> out.add("SIZE " + st.size());
        case "DELETED" -> out.add("DELETED " + st.deleted());
        // RFC 9208 §4.2.5: what EXPUNGE would free, in the units of the STORAGE resource
        case "DELETED-STORAGE" -> out.add("DELETED-STORAGE " + QuotaCommands.kib(t.account().deletedSize(t.local())));
        case "MAILBOXID" -> out.add("MAILBOXID (" + ObjectIds.mailbox(st.info()) + ")"); // RFC 8474 §4.3
        case "HIGHESTMODSEQ" -> {
          s.enableCondstore();
          out.add("HIGHESTMODSEQ " + st.info().highestModseq());
        }
        default -> throw ImapException.bad("Unknown STATUS item " + CommandParser.printable(item));
      }
    }
    return String.join(" ", out);
  }
}
