package dev.postamt.pop3;

import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MailboxNames;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.StoreException;
import dev.postamt.store.UserHome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A user's INBOX as one POP3 session sees it: a snapshot taken at login, numbered 1..n in UID order and
 * fixed for the session (RFC 1939 §5: mail arriving meanwhile shows up in the next session), with the
 * session's DELE and RETR marks. Nothing reaches the store before {@link #update} (QUIT, the UPDATE
 * state of RFC 1939 §6); a session that ends any other way changes nothing.
 *
 * <p>Holds the maildrop lock ({@link MaildropLocks}) from {@link #open} to {@link #close}.
 */
final class Maildrop implements AutoCloseable {
  /** One message: its fixed number, the store's record, and its exact size on the wire. */
  record Message(int number, MessageRecord record, long size) {}

  private final MaildropLocks.Held lock;
  private final Account account;
  private final MailboxInfo inbox;
  private final List<Message> messages;
  private final boolean[] deleted;
  private final boolean[] retrieved;

  private Maildrop(MaildropLocks.Held lock, Account account, MailboxInfo inbox, List<Message> messages) {
    this.lock = lock;
    this.account = account;
    this.inbox = inbox;
    this.messages = messages;
    this.deleted = new boolean[messages.size()];
    this.retrieved = new boolean[messages.size()];
  }

  /**
   * Locks and opens the INBOX of {@code user} (the store's canonical address).
   *
   * @throws Pop3Exception {@code [IN-USE]} when another session has it, {@code [SYS/TEMP]} when the
   *     store cannot be read
   */
  static Maildrop open(MailStore store, String user, MaildropLocks locks) throws Pop3Exception {
    Path home = UserHome.in(store.mailRoot(), user);
    MaildropLocks.Held lock = locks.tryLock(user, home)
        .orElseThrow(() -> Pop3Exception.refused(RespCode.IN_USE, "Mailbox is locked by another POP3 session"));
    Account account = null;
    try {
      account = store.open(user);
      MailboxInfo inbox = account.mailbox(MailboxNames.INBOX).orElseThrow();
      Account.Snapshot snap = account.snapshot(inbox.id());
      WireSizes sizes = WireSizes.load(home);
      List<Message> list = new ArrayList<>(snap.messages().size());
      Set<String> bases = new HashSet<>();
      Account opened = account;
      for (MessageRecord r : snap.messages()) {
        long size = sizes.size(r.base(), () -> opened.open(snap.info(), r), r.size());
        list.add(new Message(list.size() + 1, r, size));
        bases.add(r.base());
      }
      sizes.save(bases);
      return new Maildrop(lock, account, snap.info(), List.copyOf(list));
    } catch (RuntimeException e) {
      if (account != null) {
        account.close();
      }
      lock.close();
      throw e;
    }
  }

  String user() {
    return account.user();
  }

  /** Messages in the maildrop, including those marked deleted (their numbers stay taken). */
  int count() {
    return messages.size();
  }

  /** Messages not marked deleted, in number order. */
  List<Message> present() {
    return messages.stream().filter(m -> !deleted[m.number() - 1]).toList();
  }

  long presentSize() {
    return present().stream().mapToLong(Message::size).sum();
  }

  /**
   * The message a command argument names. RFC 1939 §5: a message-number is decimal, between 1 and the
   * number of messages, and may not refer to a message marked as deleted.
   */
  Message get(String arg) throws Pop3Exception {
    if (arg.isEmpty() || arg.length() > 9 || !arg.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw Pop3Exception.bad("Invalid message number: " + Pop3Session.printable(arg));
    }
    int n = Integer.parseInt(arg);
    if (n < 1 || n > messages.size()) {
      throw Pop3Exception.refused(
          "No such message, only " + messages.size() + " message" + (messages.size() == 1 ? "" : "s") + " in maildrop");
    }
    if (deleted[n - 1]) {
      throw Pop3Exception.refused("Message " + n + " already deleted");
    }
    return messages.get(n - 1);
  }

  /**
   * The unique-id listing of RFC 1939 §7: the store's identity of the message, UID and UIDVALIDITY as
   * eight hex digits each — the format of Dovecot's default {@code pop3_uidl_format = %08Xu%08Xv},
   * which Dovecot renders in lower case (its {@code %X} modifier prints with {@code %llx}): a client that
   * leaves mail on the server keeps its ids across a migration from Dovecot. It is the same in every session and changes only if the store is renumbered (new UIDVALIDITY), which
   * a client then rightly sees as new mail.
   */
  String uidl(Message m) {
    return String.format("%08x%08x", m.record().uid(), inbox.uidValidity());
  }

  /** Opens the message for RETR/TOP; refused when another client expunged it meanwhile. */
  InputStream read(Message m) throws Pop3Exception {
    try {
      java.util.Optional<MessageContent> c = account.open(inbox, m.record());
      if (c.isPresent()) {
        return c.get().stream();
      }
    } catch (IOException | StoreException e) {
      throw Pop3Exception.refused(RespCode.SYS_TEMP, "Cannot read message " + m.number());
    }
    throw Pop3Exception.refused("Message " + m.number() + " was removed by another client");
  }

  void delete(Message m) {
    deleted[m.number() - 1] = true;
  }

  void retrieved(Message m) {
    retrieved[m.number() - 1] = true;
  }

  /** RSET: unmarks every deleted (and retrieved) message; the session is as it was at login. */
  void reset() {
    java.util.Arrays.fill(deleted, false);
    java.util.Arrays.fill(retrieved, false);
  }

  /**
   * The UPDATE state: retrieved messages that stay get {@code \Seen} (as Dovecot does), deleted ones are
   * flagged {@code \Deleted} and expunged from the store, so IMAP sees them gone too. Only the messages
   * of this session are expunged, never others an IMAP client flagged. Returns the messages left.
   */
  int update() {
    List<Long> seen = new ArrayList<>();
    Set<Long> doomed = new TreeSet<>();
    for (Message m : messages) {
      if (deleted[m.number() - 1]) {
        doomed.add(m.record().uid());
      } else if (retrieved[m.number() - 1] && !m.record().has(Flags.SEEN)) {
        seen.add(m.record().uid());
      }
    }
    if (!seen.isEmpty()) {
      account.store(inbox.id(), seen, Account.FlagMode.ADD, List.of(Flags.SEEN));
    }
    if (!doomed.isEmpty()) {
      account.store(inbox.id(), doomed, Account.FlagMode.ADD, List.of(Flags.DELETED));
      account.expunge(inbox.id(), Optional.of(doomed));
    }
    return messages.size() - doomed.size();
  }

  /**
   * Unlocks first: the maildrop is done with once UPDATE has answered, and giving back the account may
   * take a moment (the last user of an index checkpoints it), which a client logging in again right
   * after QUIT should not find locked.
   */
  @Override
  public void close() {
    try {
      lock.close();
    } finally {
      account.close();
    }
  }
}
