package dev.postamt.jmap;

import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code Email/set} (RFC 8621 §4.6, RFC 8620 §5.3): keyword and mailbox changes, by the whole
 * property or by patch ({@code keywords/$seen}), and destroy. Keyword changes are IMAP STORE on the
 * message, so they raise its MODSEQ and IMAP clients see them at once (RFC 7162). The store keeps a
 * message in exactly one mailbox, so {@code mailboxIds} must name one: changing it moves the message,
 * which gets a new id there (the old one shows as destroyed in {@code Email/changes}); a move into or
 * out of Junk teaches the spam filter ({@link JunkTraining}). Destroy is
 * {@code \Deleted} and an EXPUNGE of that one UID. Creating is {@link EmailCreate}; an id may be
 * {@code #creationId} of an Email created earlier in the request (RFC 8620 §5.3).
 */
final class EmailSet {
  private EmailSet() {}

  static Map<String, Object> set(CallContext c, Args a) throws MethodError {
    SetRequest r = SetRequest.of(c, a);
    for (Map.Entry<String, Object> e : r.create.entrySet()) {
      try {
        if (!(e.getValue() instanceof Map<?, ?> email)) {
          throw new SetError("invalidProperties", "an Email is an object");
        }
        Map<String, Object> made = EmailCreate.create(c, email);
        r.created.put(e.getKey(), made);
        c.created.put(e.getKey(), (String) made.get("id"));
      } catch (SetError f) {
        r.notCreated.put(e.getKey(), f.error);
      }
    }
    for (Map.Entry<String, Object> e : r.update.entrySet()) {
      if (!(e.getValue() instanceof Map<?, ?> patch)) {
        r.notUpdated.put(e.getKey(), error("invalidPatch", "the patch must be an object"));
        continue;
      }
      try {
        update(c, e.getKey(), patch);
        r.updated.put(e.getKey(), null);
      } catch (SetFailure f) {
        r.notUpdated.put(e.getKey(), f.error);
      } catch (StoreException s) {
        r.notUpdated.put(e.getKey(), storeError(s));
      } finally {
        c.changed();
      }
    }
    for (String id : new LinkedHashSet<>(r.destroy)) {
      Optional<CallContext.Found> f = Ids.email(c.resolve(id)).flatMap(c::find);
      if (f.isEmpty()) {
        r.notDestroyed.put(id, error("notFound", null));
        continue;
      }
      try {
        long box = f.get().mailbox().id();
        long uid = f.get().message().uid();
        c.account.store(box, List.of(uid), Account.FlagMode.ADD, List.of(Flags.DELETED));
        c.account.expunge(box, Optional.of(Set.of(uid)));
        r.destroyed.add(id);
      } catch (StoreException s) {
        r.notDestroyed.put(id, storeError(s));
      } finally {
        c.changed();
      }
    }
    return r.response(c);
  }

  /** A SetError for one record (RFC 8620 §5.3). */
  private static final class SetFailure extends Exception {
    final Map<String, Object> error;

    SetFailure(Map<String, Object> error) {
      super(null, null, false, false);
      this.error = error;
    }
  }

  static Map<String, Object> error(String type, String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    if (description != null) {
      m.put("description", description);
    }
    return m;
  }

  private static SetFailure invalid(String property, String description) {
    Map<String, Object> m = error("invalidProperties", description);
    m.put("properties", List.of(property));
    return new SetFailure(m);
  }

  static Map<String, Object> storeError(StoreException s) {
    return switch (s.kind()) {
      case OVERQUOTA -> error("overQuota", s.getMessage());
      case NOSPACE -> error("overQuota", "the server's disk is full");
      case NONEXISTENT -> error("notFound", s.getMessage());
      default -> error("forbidden", s.getMessage());
    };
  }

  private static void update(CallContext c, String id, Map<?, ?> patch) throws SetFailure {
    CallContext.Found f = Ids.email(c.resolve(id)).flatMap(c::find).orElseThrow(() -> new SetFailure(error("notFound", null)));
    MessageRecord m = f.message();
    Set<String> keywords = new TreeSet<>(Keywords.of(m.flags()).keySet());
    Set<String> mailboxes = new LinkedHashSet<>(List.of(Ids.mailbox(f.mailbox().id())));
    for (Map.Entry<?, ?> e : patch.entrySet()) {
      String path = String.valueOf(e.getKey());
      Object v = e.getValue();
      if (path.equals("keywords")) {
        keywords = new TreeSet<>(trueKeys(path, v));
      } else if (path.startsWith("keywords/")) {
        String k = path.substring(9).replace("~1", "/").replace("~0", "~").toLowerCase(java.util.Locale.ROOT);
        patchOne(keywords, path, k, v);
      } else if (path.equals("mailboxIds")) {
        mailboxes = new LinkedHashSet<>(trueKeys(path, v));
      } else if (path.startsWith("mailboxIds/")) {
        patchOne(mailboxes, path, path.substring(11), v);
      } else {
        throw invalid(path, "only keywords and mailboxIds can be changed");
      }
    }
    for (String k : keywords) {
      if (!Keywords.valid(k)) {
        throw invalid("keywords", "not a valid keyword: " + k);
      }
    }
    if (mailboxes.size() != 1) {
      throw invalid("mailboxIds", "this server keeps each Email in exactly one Mailbox");
    }
    long target = Ids.mailbox(mailboxes.iterator().next());
    Optional<MailboxInfo> targetBox = target < 0 ? Optional.empty() : c.account.mailbox(target);
    if (targetBox.isEmpty()) {
      throw invalid("mailboxIds", "no such Mailbox: " + mailboxes.iterator().next());
    }
    Set<String> flags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    keywords.forEach(k -> flags.add(Keywords.flag(k)));
    if (m.has(Flags.DELETED)) {
      flags.add(Flags.DELETED);
    }
    if (!flags.equals(Flags.of(m.flags()))) {
      List<MessageRecord> changed =
          c.account.store(f.mailbox().id(), List.of(m.uid()), Account.FlagMode.REPLACE, flags);
      if (!changed.isEmpty()) {
        m = changed.getFirst();
      }
    }
    if (target != f.mailbox().id()) {
      Account.CopyResult moved = c.account.move(f.mailbox().id(), List.of(m), targetBox.get().name());
      JunkTraining.moved(c, f.mailbox(), targetBox.get(), moved.targetUids());
    }
  }

  private static Set<String> trueKeys(String path, Object v) throws SetFailure {
    if (!(v instanceof Map<?, ?> map)) {
      throw invalid(path, path + " must be an object of true values");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!Boolean.TRUE.equals(e.getValue())) {
        throw invalid(path, path + " must be an object of true values");
      }
      out.add(path.equals("keywords") ? String.valueOf(e.getKey()).toLowerCase(java.util.Locale.ROOT) : String.valueOf(e.getKey()));
    }
    return out;
  }

  private static void patchOne(Set<String> set, String path, String key, Object v) throws SetFailure {
    if (Boolean.TRUE.equals(v)) {
      set.add(key);
    } else if (v == null) {
      set.remove(key);
    } else {
      throw invalid(path, path + " must be true or null");
    }
  }
}
