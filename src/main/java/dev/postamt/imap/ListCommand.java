package dev.postamt.imap;

import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MailboxNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * LIST and LSUB (RFC 3501 §6.3.8–9) with the extended syntax of LIST-EXTENDED (RFC 5258): several
 * patterns, selection options SUBSCRIBED, SPECIAL-USE (RFC 6154), REMOTE and RECURSIVEMATCH, return
 * options SUBSCRIBED, CHILDREN, SPECIAL-USE, STATUS (LIST-STATUS, RFC 5819) MYRIGHTS (LIST-MYRIGHTS,
 * RFC 8440) and METADATA (LIST-METADATA, RFC 9590); other users' mailboxes shared with the user appear under {@code Other Users/} and {@code Shared/}.
 */
final class ListCommand {
  private static final String SEP = String.valueOf(MailboxNames.SEPARATOR);
  private static final Set<String> SELECTION = Set.of("SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE");
  private static final Set<String> RETURNS = Set.of("SUBSCRIBED", "CHILDREN", "SPECIAL-USE", "STATUS", "MYRIGHTS", "METADATA");

  private final ImapSession s;
  private final MailboxCommands mailboxes;

  ListCommand(ImapSession s, MailboxCommands mailboxes) {
    this.s = s;
    this.mailboxes = mailboxes;
  }

  /**
   * {@code list = "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]} (RFC 5258
   * §6); LSUB takes one mailbox and one pattern only.
   */
  static Command parse(CommandParser p, boolean lsub) throws ImapException {
    p.sp();
    List<String> selection = new ArrayList<>();
    if (!lsub && p.peek() == '(') {
      selection = p.atomList();
      p.sp();
    }
    String ref = p.astring();
    p.sp();
    List<String> patterns = new ArrayList<>();
    if (!lsub && p.peek() == '(') {
      p.pos++;
      patterns.add(p.listMailbox());
      while (p.peek() == ' ') {
        p.sp();
        patterns.add(p.listMailbox());
      }
      p.expect(')');
    } else {
      patterns.add(p.listMailbox());
    }
    List<String> returns = new ArrayList<>();
    List<String> statusItems = new ArrayList<>();
    List<String> metadataEntries = new ArrayList<>();
    if (!lsub && p.peek() == ' ') {
      p.sp();
      String kw = p.atom();
      if (!kw.equalsIgnoreCase("RETURN")) {
        throw ImapException.bad("Expected RETURN");
      }
      p.sp();
      p.expect('(');
      while (p.peek() != ')') {
        if (!returns.isEmpty()) {
          p.sp();
        }
        String opt = p.atom();
        returns.add(opt);
        if (opt.equalsIgnoreCase("STATUS")) {
          p.sp();
          statusItems.addAll(p.atomList());
        } else if (opt.equalsIgnoreCase("METADATA") && metadataEntries.isEmpty()) {
          metadataEntries.addAll(MetadataCommands.parseListReturn(p));
        }
      }
      p.expect(')');
    }
    return new Command.ListMailboxes(ref, patterns, lsub, selection, returns, statusItems, metadataEntries);
  }

  String list(Command.ListMailboxes c) throws ImapException, IOException {
    String verb = c.lsub() ? "LSUB" : "LIST";
    Set<String> sel = upper(c.selection());
    Set<String> ret = upper(c.returns());
    if (!SELECTION.containsAll(sel) || !RETURNS.containsAll(ret)) {
      throw ImapException.bad("Unknown LIST option");
    }
    boolean recursive = sel.contains("RECURSIVEMATCH");
    boolean bySubscription = sel.contains("SUBSCRIBED");
    boolean bySpecialUse = sel.contains("SPECIAL-USE");
    if (recursive && !bySubscription && !bySpecialUse) {
      // RFC 5258 §3: RECURSIVEMATCH needs a selection option it can refine.
      throw ImapException.bad("RECURSIVEMATCH needs another selection option");
    }
    boolean returnSubscribed = bySubscription || ret.contains("SUBSCRIBED");
    if (c.patterns().size() == 1 && c.patterns().getFirst().isEmpty() && sel.isEmpty()) {
      // RFC 3501 §6.3.8: an empty pattern asks for the hierarchy delimiter and root.
      s.w.untagged(verb + " (\\Noselect) \"/\" \"\"");
      return verb + " completed";
    }
    Map<String, MailboxInfo> existing = new TreeMap<>();
    for (MailboxInfo m : s.account.mailboxes()) {
      existing.put(m.name(), m);
    }
    // Other users' mailboxes this user may see (RFC 4314 §4: the l right), under their public names.
    Map<String, dev.postamt.store.Rights> foreignRights = new TreeMap<>();
    for (SharedMailboxes.Visible v : s.shared.visible()) {
      MailboxInfo i = v.info();
      existing.put(v.name(), new MailboxInfo(i.id(), v.name(), i.uidValidity(), i.uidNext(), i.highestModseq(),
          java.util.Optional.empty(), i.firstRecentUid()));
      foreignRights.put(v.name(), v.rights());
    }
    Set<String> subscribed = s.account.subscriptions();
    // The names that satisfy the selection, then every name with its parents (value false), so '%'
    // can show a parent that exists only through its children.
    Set<String> source = new TreeSet<>(c.lsub() || bySubscription ? subscribed : existing.keySet());
    if (bySpecialUse) {
      source.removeIf(n -> existing.get(n) == null || existing.get(n).specialUse().isEmpty());
    }
    TreeMap<String, Boolean> all = new TreeMap<>();
    for (String n : source) {
      all.put(n, true);
      int i = n.indexOf(MailboxNames.SEPARATOR);
      while (i > 0) {
        all.putIfAbsent(n.substring(0, i), false);
        i = n.indexOf(MailboxNames.SEPARATOR, i + 1);
      }
    }
    List<Pattern> patterns = new ArrayList<>();
    String ref = s.mailboxName(c.reference());
    for (String p : c.patterns()) {
      String decoded = s.rev2 || s.utf8Accept ? p : ModifiedUtf7.decode(p); // RFC 9051, RFC 6855: UTF-8
      patterns.add(wildcard(MailboxNames.normalize(ref + (decoded == null ? p : decoded))));
    }
    Set<String> matched = new TreeSet<>();
    for (String n : all.keySet()) {
      if (patterns.stream().anyMatch(p -> p.matcher(n).matches())) {
        matched.add(n);
      }
    }
    for (String name : matched) {
      boolean selected = all.get(name);
      boolean exists = existing.containsKey(name);
      String childInfo = "";
      if (!selected && (bySubscription || bySpecialUse || c.lsub())) {
        // RFC 5258 §3.5: with RECURSIVEMATCH a parent is listed when a selected descendant is not.
        boolean hidden = source.stream().anyMatch(n -> n.startsWith(name + SEP) && !matched.contains(n));
        if (c.lsub()) {
          s.w.untagged("LSUB (\\Noselect) \"/\" " + s.wireName(name));
          continue;
        }
        if (!recursive || !hidden) {
          continue;
        }
        childInfo = " (\"CHILDINFO\" (\"" + (bySubscription ? "SUBSCRIBED" : "SPECIAL-USE") + "\"))";
      }
      List<String> attrs = new ArrayList<>();
      if (c.lsub()) {
        if (!exists) {
          attrs.add("\\Noselect");
        }
      } else {
        if (!exists) {
          attrs.add(selected && bySubscription ? "\\NonExistent" : "\\Noselect");
        }
        boolean children = existing.keySet().stream().anyMatch(n -> n.startsWith(name + SEP));
        attrs.add(children ? "\\HasChildren" : "\\HasNoChildren");
        MailboxInfo m = existing.get(name);
        if (m != null && m.specialUse().isPresent()) {
          attrs.add(m.specialUse().get());
        }
        if (returnSubscribed && subscribed.contains(name)) {
          attrs.add("\\Subscribed");
        }
      }
      s.w.untagged(verb + " (" + String.join(" ", attrs) + ") \"/\" " + s.wireName(name) + childInfo);
      if (ret.contains("MYRIGHTS") && exists) { // RFC 8440 §3
        s.w.untagged("MYRIGHTS " + s.wireName(name) + " "
            + foreignRights.getOrDefault(name, dev.postamt.store.Rights.ALL).wire());
      }
      if (!c.statusItems().isEmpty() && exists && foreignRights.getOrDefault(name, dev.postamt.store.Rights.ALL).has('r')) {
        s.w.untagged("STATUS " + s.wireName(name) + " (" + mailboxes.statusData(name, c.statusItems()) + ")");
      }
      // RFC 9590 §3: the entries of each listed mailbox (own mailboxes; shared ones answer GETMETADATA).
      if (!c.metadataEntries().isEmpty() && existing.containsKey(name) && !foreignRights.containsKey(name)) {
        s.w.raw(MetadataCommands.listResponse(s.wireName(name), s.account.metadata(existing.get(name).id()),
            c.metadataEntries()));
      }
    }
    return verb + " completed";
  }

  private static Set<String> upper(List<String> opts) {
    Set<String> out = new TreeSet<>();
    for (String o : opts) {
      out.add(o.toUpperCase(Locale.ROOT));
    }
    return out;
  }

  /** An IMAP list pattern as a regex: {@code *} is anything, {@code %} anything but the separator. */
  static Pattern wildcard(String pattern) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch == '*') {
        b.append(".*");
      } else if (ch == '%') {
        b.append("[^/]*");
      } else {
        b.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(b.toString(), Pattern.DOTALL);
  }
}
