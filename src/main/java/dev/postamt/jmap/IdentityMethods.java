package dev.postamt.jmap;

import dev.postamt.directory.DirectoryException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code Identity/get}, {@code /changes} and {@code /set} (RFC 8621 §6). Every address the user may
 * send as is an identity: their own address and each alias that reaches their mailbox, by the rule
 * the submission port applies ({@link dev.postamt.routing.Router#mayUseSender}); those have an id made
 * from the address and cannot be destroyed ({@code mayDelete} false; destroying one is {@code
 * forbidden}). {@code create} adds another identity (another name or signature) for one of these
 * addresses; any other address is {@code forbiddenFrom}. Settings (name, replyTo, bcc, signatures) are
 * kept in {@link JmapRecords}; the state is that store's counter for the user.
 */
final class IdentityMethods {
  static final String TYPE = "Identity";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> SETTABLE = Set.of("name", "replyTo", "bcc", "textSignature", "htmlSignature");

  private IdentityMethods() {}

  static JmapServices services(CallContext c) throws MethodError {
    if (c.services == null) {
      throw new MethodError("unknownMethod", "this server does not offer it");
    }
    return c.services;
  }

  /** The id of the identity of an address the user may send as. */
  static String defaultId(String address) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(address.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return "i" + HexFormat.of().formatHex(h, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The addresses the user may send as: their own first, then their aliases. */
  static List<String> addresses(CallContext c) throws MethodError {
    JmapServices s = services(c);
    Set<String> out = new LinkedHashSet<>();
    out.add(c.user.toLowerCase(Locale.ROOT));
    try {
      for (String alias : s.directory.aliases().keySet()) {
        if (alias.indexOf('@') > 0 && s.router.mayUseSender(c.user, alias)) {
          out.add(alias.toLowerCase(Locale.ROOT));
        }
      }
    } catch (DirectoryException e) {
      throw new MethodError("serverFail", "cannot read the aliases: " + e.getMessage());
    }
    return new ArrayList<>(out);
  }

  /** Every identity of the user, in order: the stored ones, then defaults not stored. */
  static List<Map<String, Object>> all(CallContext c) throws MethodError {
    JmapServices s = services(c);
    List<String> addresses = addresses(c);
    Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
    for (String a : addresses) {
      byId.put(defaultId(a), fresh(defaultId(a), a, false));
    }
    for (JmapRecords.Stored st : s.records.list(c.user, TYPE)) {
      Object email = st.json().get("email");
      if (email instanceof String e && addresses.contains(e.toLowerCase(Locale.ROOT))) {
        byId.put(st.id(), st.json()); // an identity for an address no longer allowed is not shown
      }
    }
    return new ArrayList<>(byId.values());
  }

  private static Map<String, Object> fresh(String id, String email, boolean mayDelete) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("name", "");
    m.put("email", email);
    m.put("replyTo", null);
    m.put("bcc", null);
    m.put("textSignature", "");
    m.put("htmlSignature", "");
    m.put("mayDelete", mayDelete);
    return m;
  }

  static String state(CallContext c) throws MethodError {
    return "i" + services(c).records.state(c.user, TYPE);
  }

  static Map<String, Object> get(CallContext c, Args a) throws MethodError {
    List<String> ids = a.strings("ids");
    List<String> props = a.strings("properties");
    String state = state(c);
    List<Object> list = new ArrayList<>();
    List<Object> notFound = new ArrayList<>();
    List<Map<String, Object>> all = all(c);
    if (ids == null) {
      all.forEach(i -> list.add(select(i, props)));
    } else {
      for (String id : new LinkedHashSet<>(ids)) {
        all.stream().filter(i -> id.equals(i.get("id"))).findFirst()
            .ifPresentOrElse(i -> list.add(select(i, props)), () -> notFound.add(id));
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("state", state);
    r.put("list", list);
    r.put("notFound", notFound);
    return r;
  }

  static Map<String, Object> select(Map<String, Object> o, List<String> props) {
    if (props == null) {
      return o;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", o.get("id"));
    for (String p : props) {
      if (o.containsKey(p)) {
        out.put(p, o.get(p));
      }
    }
    return out;
  }

  static Map<String, Object> changes(CallContext c, Args a) throws MethodError {
    Map<String, Object> r = changes(c, a, TYPE, "i");
    // the identity of an address the user may send as existed before its settings were first stored
    java.util.Set<String> defaults = new java.util.HashSet<>();
    for (String address : addresses(c)) {
      defaults.add(defaultId(address));
    }
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>(castList(r.get("updated")));
    for (String id : castList(r.get("created"))) {
      (defaults.contains(id) ? updated : created).add(id);
    }
    r.put("created", created);
    r.put("updated", updated);
    return r;
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object o) {
    return (List<String>) o;
  }

  /** {@code /changes} over a type kept in {@link JmapRecords}, whose states are prefix + counter. */
  static Map<String, Object> changes(CallContext c, Args a, String type, String prefix) throws MethodError {
    String since = a.requiredString("sinceState");
    long max = a.number("maxChanges", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    long n;
    try {
      n = since.startsWith(prefix) ? Long.parseLong(since.substring(prefix.length())) : -1;
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 0) {
      throw new MethodError("cannotCalculateChanges", "not a state of this server: " + since);
    }
    JmapRecords.Changes ch = services(c).records.changes(c.user, type, n);
    if (n > ch.now()) {
      throw new MethodError("cannotCalculateChanges", "a state from the future: " + since);
    }
    if (ch.created().size() + ch.updated().size() + ch.destroyed().size() > max) {
      throw new MethodError("cannotCalculateChanges", "more than maxChanges changes; fetch afresh");
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("oldState", since);
    r.put("newState", prefix + ch.now());
    r.put("hasMoreChanges", false);
    r.put("created", ch.created());
    r.put("updated", ch.updated());
    r.put("destroyed", ch.destroyed());
    return r;
  }

  static Map<String, Object> set(CallContext c, Args a) throws MethodError {
    JmapServices s = services(c);
    SetRequest req = SetRequest.of(a, state(c));
    Map<String, Object> create = req.create;
    Map<String, Object> update = req.update;
    List<String> destroy = req.destroy;
    String oldState = req.oldState;
    Map<String, Object> created = new LinkedHashMap<>();
    Map<String, Object> notCreated = new LinkedHashMap<>();
    List<String> updated = new ArrayList<>();
    Map<String, Object> notUpdated = new LinkedHashMap<>();
    List<String> destroyed = new ArrayList<>();
    Map<String, Object> notDestroyed = new LinkedHashMap<>();
    List<String> addresses = addresses(c);
    if (create != null) {
      for (Map.Entry<String, Object> e : create.entrySet()) {
        try {
          if (!(e.getValue() instanceof Map<?, ?> obj)) {
            throw new SetError("invalidProperties", "an Identity is an object");
          }
          if (!(obj.get("email") instanceof String email)) {
            throw SetError.invalid("email", "email is required");
          }
          if (!addresses.contains(email.toLowerCase(Locale.ROOT))) {
            throw new SetError("forbiddenFrom", "this user may not send as " + email);
          }
          byte[] r = new byte[8];
          RANDOM.nextBytes(r);
          String id = "i" + HexFormat.of().formatHex(r);
          Map<String, Object> o = fresh(id, email.toLowerCase(Locale.ROOT), true);
          apply(o, obj, true);
          s.records.put(c.user, TYPE, id, o);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("id", id);
          out.put("mayDelete", true);
          created.put(e.getKey(), out);
        } catch (SetError f) {
          notCreated.put(e.getKey(), f.error);
        }
      }
    }
    if (update != null) {
      for (Map.Entry<String, Object> e : update.entrySet()) {
        try {
          Map<String, Object> o = all(c).stream().filter(i -> e.getKey().equals(i.get("id"))).findFirst()
              .orElseThrow(() -> new SetError("notFound", null));
          if (!(e.getValue() instanceof Map<?, ?> patch)) {
            throw new SetError("invalidPatch", "the patch must be an object");
          }
          Map<String, Object> next = new LinkedHashMap<>(o);
          apply(next, patch, false);
          s.records.put(c.user, TYPE, e.getKey(), next);
          updated.add(e.getKey());
        } catch (SetError f) {
          notUpdated.put(e.getKey(), f.error);
        }
      }
    }
    if (destroy != null) {
      for (String id : destroy) {
        Map<String, Object> o = all(c).stream().filter(i -> id.equals(i.get("id"))).findFirst().orElse(null);
        if (o == null) {
          notDestroyed.put(id, SetError.of("notFound", null));
        } else if (!Boolean.TRUE.equals(o.get("mayDelete"))) {
          notDestroyed.put(id, SetError.of("forbidden", "the identity of an address the user may send as stays"));
        } else {
          s.records.destroy(c.user, TYPE, id);
          destroyed.add(id);
        }
      }
    }
    return SetError.response(c.accountId, oldState, state(c), created, updated, Map.of(), destroyed, notCreated,
        notUpdated, notDestroyed);
  }

  /** Takes the settable properties of {@code from} into {@code o}; the others must be absent or unchanged. */
  private static void apply(Map<String, Object> o, Map<?, ?> from, boolean creating) throws SetError {
    for (Map.Entry<?, ?> e : from.entrySet()) {
      String p = String.valueOf(e.getKey());
      Object v = e.getValue();
      if (SETTABLE.contains(p)) {
        switch (p) {
          case "name", "textSignature", "htmlSignature" -> {
            if (!(v instanceof String) && v != null) {
              throw SetError.invalid(p, p + " must be a string");
            }
            o.put(p, v == null ? "" : v);
          }
          default -> {
            if (v != null && !validAddresses(v)) {
              throw SetError.invalid(p, p + " must be a list of EmailAddress objects or null");
            }
            o.put(p, v);
          }
        }
      } else if (p.equals("id") || p.equals("mayDelete") || (p.equals("email") && creating)) {
        if (!creating && !java.util.Objects.equals(o.get(p), v)) {
          throw SetError.invalid(p, p + " cannot be changed");
        }
      } else if (p.equals("email")) {
        if (!java.util.Objects.equals(o.get(p), v)) {
          throw SetError.invalid(p, "email cannot be changed");
        }
      } else {
        throw SetError.invalid(p, "no Identity property " + p);
      }
    }
  }

  private static boolean validAddresses(Object v) {
    if (!(v instanceof List<?> l)) {
      return false;
    }
    for (Object o : l) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("email") instanceof String)
          || (m.get("name") != null && !(m.get("name") instanceof String))) {
        return false;
      }
    }
    return true;
  }
}
