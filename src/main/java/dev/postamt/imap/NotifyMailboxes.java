package dev.postamt.imap;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mailboxes a NOTIFY watch ({@link NotifyWatch}) looks at: the user's own and, when a filter can
 * name them ({@code subtree}, {@code mailboxes}, {@code subscribed}; RFC 5465 §6), the other users'
 * mailboxes shared with the user under {@code Other Users/} and {@code Shared/} ({@link
 * SharedMailboxes}). RFC 5465 §5 with RFC 4314 §4: a mailbox the user may not see (no {@code l} right)
 * is not there at all — no event names it, and a share taken back looks like a deleted mailbox; message
 * events (STATUS) also need the {@code r} right, as the STATUS command does. The owners' accounts are
 * watched for changes, so that their deliveries and flag changes wake the watch as the user's own do.
 */
final class NotifyMailboxes implements AutoCloseable {
  /**
   * One mailbox as the watch sees it.
   *
   * @param key stable across renames: the mailbox id, prefixed with the owner for another user's
   * @param name the name in this session's namespaces (Unicode)
   * @param local the name in its own account
   * @param readable whether message events may be told (the {@code r} right; always for one's own)
   * @param own whether it is the user's own mailbox
   */
  record Box(String key, String name, MailboxInfo info, Account account, String local, boolean readable, boolean own) {}

  private final ImapSession s;
  private final boolean foreign;
  private final Runnable wake;
  private final Map<Account, Runnable> watched = new IdentityHashMap<>();

  /** @param foreign whether other users' mailboxes are looked at too; {@code wake} runs on their changes */
  NotifyMailboxes(ImapSession s, boolean foreign, Runnable wake) {
    this.s = s;
    this.foreign = foreign && s.shared != null;
    this.wake = wake;
  }

  /** Whether a filter of {@code spec} can match another user's mailbox (personal and inboxes cannot). */
  static boolean namesForeign(NotifySpec spec) {
    return spec.groups().stream().anyMatch(g -> switch (g.filter()) {
      case SUBTREE, MAILBOXES, SUBSCRIBED -> true;
      default -> false;
    });
  }

  /** The mailboxes as they are now. */
  List<Box> now() {
    SelectedMailbox sel = s.selected;
    if (sel != null) {
      watch(sel.account); // another user's selected mailbox: its changes wake the watch between commands too
    }
    List<Box> out = new ArrayList<>();
    for (MailboxInfo m : s.account.mailboxes()) {
      out.add(new Box(Long.toString(m.id()), m.name(), m, s.account, m.name(), true, true));
    }
    if (!foreign) {
      return out;
    }
    for (SharedMailboxes.Visible v : s.shared.visible()) { // only those with the l right
      Account owner = s.shared.accountOf(v.owner());
      watch(owner);
      out.add(new Box(v.owner() + "/" + v.info().id(), v.name(), v.info(), owner, v.local(), v.rights().has('r'),
          false));
    }
    return out;
  }

  /** Whether {@code b} is the selected mailbox (the selected one of another user is that user's account's). */
  boolean isSelected(Box b) {
    SelectedMailbox sel = s.selected;
    return sel != null && sel.account == b.account() && sel.id == b.info().id();
  }

  /** The other users' accounts being watched, for the poll of changes made by other processes. */
  synchronized Set<Account> foreignAccounts() {
    Set<Account> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    out.addAll(watched.keySet());
    return out;
  }

  private synchronized void watch(Account a) {
    if (a != s.account && !watched.containsKey(a)) {
      watched.put(a, a.watch(wake));
    }
  }

  @Override
  public synchronized void close() {
    watched.values().forEach(Runnable::run);
    watched.clear();
  }
}
