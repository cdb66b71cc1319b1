package dev.postamt.jmap;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MailboxNames;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code Mailbox/get}, {@code Mailbox/query} and {@code Mailbox/changes} (RFC 8621 §2). A store
 * mailbox {@code a/b} is the JMAP Mailbox named {@code b} whose parent is {@code a}; INBOX has role
 * {@code inbox}, an RFC 6154 special use gives the role of the same name (RFC 8621 §2 and the IANA
 * "JMAP Mailbox Roles" registry, which mirrors RFC 6154).
 */
final class MailboxMethods {
  private MailboxMethods() {}

  static final List<String> PROPERTIES = List.of("id", "name", "parentId", "role", "sortOrder", "totalEmails",
      "unreadEmails", "totalThreads", "unreadThreads", "myRights", "isSubscribed");
  private static final List<String> COUNTS = List.of("totalEmails", "unreadEmails", "totalThreads", "unreadThreads");

  static Map<String, Object> get(CallContext c, Args a) throws MethodError {
    List<String> ids = a.strings("ids");
    List<String> props = a.strings("properties");
    if (props != null) {
      for (String p : props) {
        if (!PROPERTIES.contains(p)) {
          throw MethodError.invalidArguments("unknown Mailbox property " + p);
        }
      }
    }
    if (ids != null && ids.size() > c.limits.maxObjectsInGet()) {
      throw new MethodError("requestTooLarge", "more than " + c.limits.maxObjectsInGet() + " ids");
    }
    String state = c.state();
    List<MailboxInfo> all = c.mailboxes();
    Set<String> subscribed = c.account.subscriptions();
    List<Object> list = new ArrayList<>();
    List<Object> notFound = new ArrayList<>();
    if (ids == null) {
      for (MailboxInfo m : all) {
        list.add(object(c, m, all, subscribed, props));
      }
    } else {
      for (String id : new java.util.LinkedHashSet<>(ids)) {
        long storeId = Ids.mailbox(id);
        Optional<MailboxInfo> m = storeId < 0 ? Optional.empty() : all.stream().filter(x -> x.id() == storeId).findFirst();
        if (m.isPresent()) {
          list.add(object(c, m.get(), all, subscribed, props));
        } else {
          notFound.add(id);
        }
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("state", state);
    r.put("list", list);
    r.put("notFound", notFound);
    return r;
  }

  private static Map<String, Object> object(CallContext c, MailboxInfo m, List<MailboxInfo> all, Set<String> subscribed,
      List<String> props) {
    Map<String, Object> o = new LinkedHashMap<>();
    boolean wantCounts = props == null || props.stream().anyMatch(COUNTS::contains);
    Account.Status st = wantCounts ? c.account.status(m.name()) : null;
    for (String p : props == null ? PROPERTIES : props) {
      switch (p) {
        case "id" -> o.put("id", Ids.mailbox(m.id()));
        case "name" -> o.put("name", leaf(m.name()));
        case "parentId" -> o.put("parentId", parent(m, all).map(x -> Ids.mailbox(x.id())).orElse(null));
        case "role" -> o.put("role", role(m));
        case "sortOrder" -> o.put("sortOrder", m.isInbox() ? 1L : 10L);
        case "totalEmails", "totalThreads" -> o.put(p, st.messages()); // every Email is its own Thread
        case "unreadEmails", "unreadThreads" -> o.put(p, st.unseen());
        case "myRights" -> o.put("myRights", rights());
        case "isSubscribed" -> o.put("isSubscribed", subscribed.contains(m.name()));
        default -> {}
      }
    }
    o.putIfAbsent("id", Ids.mailbox(m.id()));
    return o;
  }

  private static Map<String, Object> rights() {
    Map<String, Object> r = new LinkedHashMap<>();
    for (String k : List.of("mayReadItems", "mayAddItems", "mayRemoveItems", "maySetSeen", "maySetKeywords",
        "mayCreateChild", "mayRename", "mayDelete", "maySubmit")) {
      r.put(k, true);
    }
    return r;
  }

  static String leaf(String name) {
    int slash = name.lastIndexOf(MailboxNames.SEPARATOR);
    return slash < 0 ? name : name.substring(slash + 1);
  }

  static Optional<MailboxInfo> parent(MailboxInfo m, List<MailboxInfo> all) {
    int slash = m.name().lastIndexOf(MailboxNames.SEPARATOR);
    if (slash < 0) {
      return Optional.empty();
    }
    String p = m.name().substring(0, slash);
    return all.stream().filter(x -> x.name().equals(MailboxNames.normalize(p))).findFirst();
  }

  /** The JMAP role of a mailbox: {@code inbox}, or its RFC 6154 special use in lower case. */
  static String role(MailboxInfo m) {
    if (m.isInbox()) {
      return "inbox";
    }
    return m.specialUse().map(u -> u.replace("\\", "").toLowerCase(Locale.ROOT)).orElse(null);
  }

  static Map<String, Object> query(CallContext c, Args a) throws MethodError {
    Map<String, Object> filter = a.object("filter");
    List<MailboxInfo> all = c.mailboxes();
    Set<String> subscribed = c.account.subscriptions();
    List<MailboxInfo> hits = new ArrayList<>();
    for (MailboxInfo m : all) {
      if (filter == null || matches(m, all, subscribed, filter)) {
        hits.add(m);
      }
    }
    Comparator<MailboxInfo> order = null;
    List<Map<String, Object>> sort = a.objects("sort");
    for (Map<String, Object> s : sort == null ? List.<Map<String, Object>>of() : sort) {
      Comparator<MailboxInfo> k = switch (String.valueOf(s.get("property"))) {
        case "name" -> Comparator.comparing((MailboxInfo m) -> leaf(m.name()), String.CASE_INSENSITIVE_ORDER);
        case "sortOrder" -> Comparator.comparingInt((MailboxInfo m) -> m.isInbox() ? 1 : 10);
        default -> throw new MethodError("unsupportedSort", "cannot sort Mailboxes by " + s.get("property"));
      };
      if (Boolean.FALSE.equals(s.get("isAscending"))) {
        k = k.reversed();
      }
      order = order == null ? k : order.thenComparing(k);
    }
    if (order != null) {
      hits.sort(order.thenComparingLong(MailboxInfo::id));
    }
    List<String> ids = hits.stream().map(m -> Ids.mailbox(m.id())).toList();
    return EmailQuery.window(c, a, ids, c.state());
  }

  private static boolean matches(MailboxInfo m, List<MailboxInfo> all, Set<String> subscribed, Map<String, Object> f)
      throws MethodError {
    for (Map.Entry<String, Object> e : f.entrySet()) {
      Object v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "parentId" -> java.util.Objects.equals(parent(m, all).map(x -> Ids.mailbox(x.id())).orElse(null), v);
        case "name" -> v instanceof String s && leaf(m.name()).toLowerCase(Locale.ROOT).contains(s.toLowerCase(Locale.ROOT));
        case "role" -> java.util.Objects.equals(role(m), v);
        case "hasAnyRole" -> v instanceof Boolean b && b == (role(m) != null);
        case "isSubscribed" -> v instanceof Boolean b && b == subscribed.contains(m.name());
        default -> throw new MethodError("unsupportedFilter", "cannot filter Mailboxes by " + e.getKey());
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static Map<String, Object> changes(CallContext c, Args a) throws MethodError {
    String since = a.requiredString("sinceState");
    long max = a.number("maxChanges", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    Optional<AccountState> old = AccountState.parse(since);
    if (old.isEmpty()) {
      throw new MethodError("cannotCalculateChanges", "not a state of this server: " + since);
    }
    AccountState now = AccountState.of(c.account);
    Map<Long, AccountState.Entry> before = old.get().byId();
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> destroyed = new ArrayList<>();
    boolean onlyCounts = true;
    for (AccountState.Entry e : now.mailboxes()) {
      AccountState.Entry b = before.remove(e.id());
      if (b == null) {
        created.add(Ids.mailbox(e.id()));
      } else if (!b.equals(e)) {
        updated.add(Ids.mailbox(e.id()));
        onlyCounts &= b.nameSum() == e.nameSum();
      }
    }
    before.keySet().forEach(id -> destroyed.add(Ids.mailbox(id)));
    if (created.size() + updated.size() + destroyed.size() > max) {
      throw new MethodError("cannotCalculateChanges", "more than maxChanges changes; fetch afresh");
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("oldState", since);
    r.put("newState", now.encode());
    r.put("hasMoreChanges", false);
    r.put("created", created);
    r.put("updated", updated);
    r.put("destroyed", destroyed);
    // RFC 8621 §2.2: only the counts changed, so a client may fetch just those
    r.put("updatedProperties", onlyCounts && created.isEmpty() && destroyed.isEmpty() && !updated.isEmpty() ? COUNTS : null);
    return r;
  }
}
