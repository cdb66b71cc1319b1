package dev.postamt.jmap;

import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MailboxNames;
import dev.postamt.store.StoreException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Mailbox/set} (RFC 8621 §2.5): create (a name under an optional parent, an optional role that
 * no other mailbox has, subscribed or not), update (rename or move under another parent — an IMAP
 * RENAME with children —, subscribe), destroy (a mailbox without children; one holding Emails only
 * with {@code onDestroyRemoveEmails}, since an Email here is in exactly one mailbox). INBOX cannot be
 * destroyed or renamed; roles cannot be changed. Names may not contain the hierarchy separator.
 */
final class MailboxSet {
  private MailboxSet() {}

  private static final Map<String, String> ROLES = Map.of("archive", "\\Archive", "drafts", "\\Drafts", "junk", "\\Junk",
      "sent", "\\Sent", "trash", "\\Trash");

  /** One record's failure. */
  private static final class Refused extends Exception {
    final Map<String, Object> error;

    Refused(String type, String description) {
      super(null, null, false, false);
      this.error = EmailSet.error(type, description);
    }
  }

  static Map<String, Object> set(CallContext c, Args a) throws MethodError {
    SetRequest r = SetRequest.of(c, a);
    boolean removeEmails = Boolean.TRUE.equals(a.raw().get("onDestroyRemoveEmails"));
    for (Map.Entry<String, Object> e : r.create.entrySet()) {
      try {
        MailboxInfo m = create(c, e.getValue());
        Map<String, Object> made = new LinkedHashMap<>();
        made.put("id", Ids.mailbox(m.id()));
        r.created.put(e.getKey(), made);
        c.created.put(e.getKey(), Ids.mailbox(m.id()));
      } catch (Refused f) {
        r.notCreated.put(e.getKey(), f.error);
      } catch (StoreException s) {
        r.notCreated.put(e.getKey(), EmailSet.storeError(s));
      } finally {
        c.changed();
      }
    }
    for (Map.Entry<String, Object> e : r.update.entrySet()) {
      try {
        update(c, e.getKey(), e.getValue());
        r.updated.put(e.getKey(), null);
      } catch (Refused f) {
        r.notUpdated.put(e.getKey(), f.error);
      } catch (StoreException s) {
        r.notUpdated.put(e.getKey(), EmailSet.storeError(s));
      } finally {
        c.changed();
      }
    }
    for (String id : new LinkedHashSet<>(r.destroy)) {
      try {
        destroy(c, id, removeEmails);
        r.destroyed.add(id);
      } catch (Refused f) {
        r.notDestroyed.put(id, f.error);
      } catch (StoreException s) {
        r.notDestroyed.put(id, EmailSet.storeError(s));
      } finally {
        c.changed();
      }
    }
    return r.response(c);
  }

  private static MailboxInfo create(CallContext c, Object value) throws Refused {
    if (!(value instanceof Map<?, ?> o)) {
      throw new Refused("invalidProperties", "a Mailbox is an object");
    }
    for (Object k : o.keySet()) {
      if (!List.of("name", "parentId", "role", "isSubscribed", "sortOrder").contains(k)) {
        throw new Refused("invalidProperties", "cannot set " + k);
      }
    }
    String name = name(o.get("name"));
    String full = under(c, o.get("parentId"), name);
    String specialUse = null;
    if (o.get("role") != null) {
      specialUse = ROLES.get(String.valueOf(o.get("role")));
      if (specialUse == null) {
        throw new Refused("invalidProperties", "role must be one of " + ROLES.keySet());
      }
      String role = String.valueOf(o.get("role"));
      if (c.mailboxes().stream().anyMatch(m -> role.equals(MailboxMethods.role(m)))) {
        throw new Refused("invalidProperties", "another mailbox already has the role " + role);
      }
    }
    MailboxInfo m = c.account.create(full, specialUse);
    if (!Boolean.FALSE.equals(o.get("isSubscribed"))) {
      c.account.subscribe(m.name(), true);
    }
    return m;
  }

  private static void update(CallContext c, String id, Object value) throws Refused {
    if (!(value instanceof Map<?, ?> patch)) {
      throw new Refused("invalidPatch", "the patch must be an object");
    }
    MailboxInfo m = find(c, id);
    for (Object k : patch.keySet()) {
      if (!List.of("name", "parentId", "isSubscribed", "sortOrder", "role").contains(k)) {
        throw new Refused("invalidProperties", "cannot set " + k);
      }
    }
    if (patch.containsKey("role") && !java.util.Objects.equals(patch.get("role"), MailboxMethods.role(m))) {
      throw new Refused("invalidProperties", "the role of a mailbox cannot be changed");
    }
    if (patch.containsKey("name") || patch.containsKey("parentId")) {
      if (m.isInbox()) {
        throw new Refused("forbidden", "INBOX cannot be renamed");
      }
      String name = patch.containsKey("name") ? name(patch.get("name")) : MailboxMethods.leaf(m.name());
      Object parent = patch.containsKey("parentId") ? patch.get("parentId")
          : MailboxMethods.parent(m, c.mailboxes()).map(p -> Ids.mailbox(p.id())).orElse(null);
      String full = under(c, parent, name);
      if (full.startsWith(m.name() + MailboxNames.SEPARATOR)) {
        throw new Refused("invalidProperties", "a mailbox cannot be moved under itself");
      }
      if (!full.equals(m.name())) {
        boolean subscribed = c.account.subscriptions().contains(m.name());
        c.account.rename(m.name(), full);
        if (subscribed) {
          c.account.subscribe(m.name(), false);
          c.account.subscribe(full, true);
        }
        m = c.account.mailbox(full).orElseThrow();
      }
    }
    if (patch.get("isSubscribed") instanceof Boolean b) {
      c.account.subscribe(m.name(), b);
    }
  }

  private static void destroy(CallContext c, String id, boolean removeEmails) throws Refused {
    MailboxInfo m = find(c, id);
    if (m.isInbox()) {
      throw new Refused("forbidden", "INBOX cannot be destroyed");
    }
    String prefix = m.name() + MailboxNames.SEPARATOR;
    if (c.mailboxes().stream().anyMatch(x -> x.name().startsWith(prefix))) {
      throw new Refused("mailboxHasChild", "destroy or move its child mailboxes first");
    }
    if (!removeEmails && c.account.status(m.name()).messages() > 0) {
      throw new Refused("mailboxHasEmail", "it holds Emails; set onDestroyRemoveEmails to destroy them with it");
    }
    boolean subscribed = c.account.subscriptions().contains(m.name());
    c.account.delete(m.name());
    if (subscribed) {
      c.account.subscribe(m.name(), false);
    }
  }

  private static MailboxInfo find(CallContext c, String id) throws Refused {
    long storeId = Ids.mailbox(c.resolve(id));
    Optional<MailboxInfo> m = storeId < 0 ? Optional.empty() : c.mailboxes().stream().filter(x -> x.id() == storeId).findFirst();
    return m.orElseThrow(() -> new Refused("notFound", null));
  }

  private static String name(Object v) throws Refused {
    if (!(v instanceof String s) || s.isBlank()) {
      throw new Refused("invalidProperties", "name must be a non-empty string");
    }
    if (s.indexOf(MailboxNames.SEPARATOR) >= 0) {
      throw new Refused("invalidProperties", "name must not contain " + MailboxNames.SEPARATOR);
    }
    if (s.length() > 200 || s.chars().anyMatch(Character::isISOControl)) {
      throw new Refused("invalidProperties", "name is too long or holds control characters");
    }
    return s;
  }

  /** The full store name of {@code name} under the mailbox {@code parentId} (null: top level). */
  private static String under(CallContext c, Object parentId, String name) throws Refused {
    if (parentId == null) {
      return name;
    }
    if (!(parentId instanceof String pid)) {
      throw new Refused("invalidProperties", "parentId must be a string or null");
    }
    MailboxInfo p;
    try {
      p = find(c, pid);
    } catch (Refused r) {
      throw new Refused("invalidProperties", "parentId names no mailbox");
    }
    return p.name() + MailboxNames.SEPARATOR + name;
  }
}
