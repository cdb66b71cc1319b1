package dev.postamt.jmap;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the calls of one API request share: the authenticated user's account and a cache of mailbox
 * snapshots, dropped whenever a call changes something so that later calls see the change.
 */
final class CallContext {
  final String user;
  final String accountId;
  final Account account;
  final JmapLimits limits;
  /** Null when the API serves mail only. */
  final JmapServices services;
  /** Emails created by earlier calls of this request ({@code #creationId} references, RFC 8620 §5.3). */
  final Map<String, String> created = new HashMap<>();
  private final Map<Long, Account.Snapshot> snapshots = new HashMap<>();

  /**
   * Responses of implicit calls a method made (RFC 8621 §7.5: {@code onSuccessUpdateEmail} answers
   * as an {@code Email/set}), given after the method's own response with the same call id.
   */
  final List<Map.Entry<String, Map<String, Object>>> implicit = new java.util.ArrayList<>();
  /** The thread of each stored message, as far as known ({@link Threads}). */
  final Map<Ids.MessageRef, String> threadCache;

  CallContext(String user, Account account, JmapLimits limits, JmapServices services,
      Map<Ids.MessageRef, String> threadCache) {
    this.services = services;
    this.threadCache = threadCache;
    this.user = user;
    this.accountId = Ids.account(user);
    this.account = account;
    this.limits = limits;
  }

  /** Checks the {@code accountId} argument (RFC 8620 §3.6.2 {@code accountNotFound}). */
  void checkAccount(Args args) throws MethodError {
    String id = args.requiredString("accountId");
    if (!id.equals(accountId)) {
      throw new MethodError("accountNotFound", "no account " + id + " for this user");
    }
  }

  String state() {
    return AccountState.of(account).encode();
  }

  List<MailboxInfo> mailboxes() {
    return account.mailboxes();
  }

  Account.Snapshot snapshot(long mailboxId) {
    return snapshots.computeIfAbsent(mailboxId, account::snapshot);
  }

  /** The message an Email id names, when it still exists. */
  Optional<Found> find(Ids.MessageRef ref) {
    Optional<MailboxInfo> box = account.mailbox(ref.mailboxId());
    if (box.isEmpty() || box.get().uidValidity() != ref.uidValidity()) {
      return Optional.empty();
    }
    Account.Snapshot s = snapshot(ref.mailboxId());
    List<MessageRecord> msgs = s.messages();
    int lo = 0;
    int hi = msgs.size() - 1;
    while (lo <= hi) { // the snapshot is in UID order
      int mid = (lo + hi) >>> 1;
      long uid = msgs.get(mid).uid();
      if (uid == ref.uid()) {
        return Optional.of(new Found(s.info(), msgs.get(mid), ref));
      }
      if (uid < ref.uid()) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return Optional.empty();
  }

  /** An id, or the id created for {@code #creationId} earlier in the request (unchanged when unknown). */
  String resolve(String id) {
    if (id != null && id.startsWith("#")) {
      return created.getOrDefault(id.substring(1), id);
    }
    return id;
  }

  /** Forgets cached snapshots after a change. */
  void changed() {
    snapshots.clear();
  }

  /** A message found in the store, with the ids it goes by. */
  record Found(MailboxInfo mailbox, MessageRecord message, Ids.MessageRef ref) {
    static Found of(MailboxInfo mailbox, MessageRecord m) {
      return new Found(mailbox, m, new Ids.MessageRef(mailbox.id(), mailbox.uidValidity(), m.uid()));
    }

    String id() {
      return Ids.email(ref);
    }
  }
}
