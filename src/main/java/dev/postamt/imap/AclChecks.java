package dev.postamt.imap;

import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.Rights;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the RFC 4314 §4 rights allow on messages, for the message commands: which flags STORE and
 * APPEND may set, where COPY/MOVE/APPEND may put messages, and copying between two users' stores (a
 * shared mailbox and the user's own).
 */
final class AclChecks {
  private AclChecks() {}

  /** Whether the rights allow any change of messages at all ({@code s w t e}). */
  static boolean mayChange(Rights r) {
    return r.has('s') || r.has('w') || r.has('t') || r.has('e');
  }

  /**
   * The flags of a STORE or APPEND the rights permit: {@code \Seen} needs {@code s}, {@code \Deleted}
   * needs {@code t}, every other flag and keyword {@code w}. RFC 4314 §4: STORE SHOULD NOT fail while at
   * least one flag may be changed, so the others are dropped silently; when none may (and some were
   * asked for) STORE is refused with NOPERM. A replacing STORE must be allowed every kind of flag, as it
   * may clear any of them. APPEND and COPY ({@code store} false) never fail for their flags.
   */
  static List<String> permittedFlags(Rights r, List<String> flags, boolean store, boolean replace)
      throws ImapException {
    if (r.equals(Rights.ALL)) {
      return flags;
    }
    if (replace && !(r.has('s') && r.has('t') && r.has('w'))) {
      throw ImapException.no("NOPERM", "Replacing all flags needs the 's', 't' and 'w' rights");
    }
    List<String> out = new ArrayList<>();
    for (String f : flags) {
      char needed = f.equalsIgnoreCase(Flags.SEEN) ? 's' : f.equalsIgnoreCase(Flags.DELETED) ? 't' : 'w';
      if (r.has(needed)) {
        out.add(f);
      }
    }
    if (store && out.isEmpty() && !flags.isEmpty()) {
      throw ImapException.no("NOPERM", "You lack the rights to change these flags (\\Seen needs s, \\Deleted t, others w)");
    }
    return out;
  }

  /** The target of COPY, MOVE or APPEND: an existing mailbox where the user holds {@code i}. */
  static SharedMailboxes.Target copyTarget(ImapSession s, String name) throws ImapException {
    SharedMailboxes.Target t;
    try {
      t = s.shared.resolve(name);
    } catch (ImapException e) {
      throw ImapException.no("TRYCREATE", "Mailbox doesn't exist: " + name);
    }
    if (t.account().mailbox(t.local()).isEmpty()) {
      throw ImapException.no("TRYCREATE", "Mailbox doesn't exist: " + name);
    }
    t.require('i', "add messages to this mailbox");
    return t;
  }

  /**
   * COPY or MOVE between two accounts: each message is read and appended (with its flags, as far as the
   * target rights allow, and its INTERNALDATE); MOVE then expunges the originals. A failure half-way
   * takes back what was appended, so the command does all or nothing (RFC 3501 §6.4.7).
   */
  static Account.CopyResult copyAcross(
      SelectedMailbox sel, List<MessageRecord> msgs, SharedMailboxes.Target to, boolean move) throws ImapException {
    Account target = to.account();
    MailboxInfo box = target.mailbox(to.local()).orElseThrow();
    long bytes = msgs.stream().mapToLong(MessageRecord::size).sum();
    if (!target.fits(bytes, msgs.size())) {
      throw ImapException.no("OVERQUOTA", "Quota exceeded (target mailbox is full)");
    }
    List<Long> sources = new ArrayList<>();
    List<Long> copies = new ArrayList<>();
    try {
      for (MessageRecord m : msgs) {
        Optional<MessageContent> content = sel.open(m);
        if (content.isEmpty()) {
          continue; // expunged meanwhile
        }
        Set<String> flags = new HashSet<>(permittedFlags(to.rights(), new ArrayList<>(m.flags()), false, false));
        try (MessageContent c = content.get(); InputStream in = c.stream()) {
          copies.add(target.append(box.name(), in, c.size(), flags, m.internalDate()).uid());
        } catch (IOException e) {
          throw ImapException.no("SERVERBUG", "Cannot read a message to copy: " + e.getMessage());
        }
        sources.add(m.uid());
      }
    } catch (ImapException | RuntimeException e) {
      if (!copies.isEmpty()) {
        target.store(box.id(), copies, Account.FlagMode.ADD, List.of(Flags.DELETED));
        target.expunge(box.id(), Optional.of(new HashSet<>(copies)));
      }
      throw e;
    }
    if (move && !sources.isEmpty()) {
      sel.account.store(sel.id, sources, Account.FlagMode.ADD, List.of(Flags.DELETED));
      sel.account.expunge(sel.id, Optional.of(new HashSet<>(sources)));
    }
    return new Account.CopyResult(box.uidValidity(), sources, copies);
  }
}
