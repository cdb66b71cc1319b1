package dev.postamt.jmap;

import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.sieve.store.Vacations;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * {@code VacationResponse/get} and {@code /set} (RFC 8621 §8) over {@link Vacations}, the store the
 * self-service page and delivery share: delivery answers with it as a Sieve {@code vacation} would
 * (RFC 5230, before the user's own scripts). There is one object, id {@code singleton}; creating or
 * destroying it is the {@code singleton} error. The state is a checksum of the settings.
 */
final class VacationMethods {
  static final String ID = "singleton";

  private VacationMethods() {}

  private static Vacations store(CallContext c) throws MethodError {
    return IdentityMethods.services(c).vacations;
  }

  private static Vacations.Vacation read(CallContext c) throws MethodError {
    try {
      return store(c).get(c.user);
    } catch (SieveStoreException e) {
      throw new MethodError("serverFail", "cannot read the vacation response: " + e.getMessage());
    }
  }

  static Map<String, Object> object(Vacations.Vacation v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", ID);
    m.put("isEnabled", v.enabled());
    m.put("fromDate", v.fromDate() == null ? null : v.fromDate().toString());
    m.put("toDate", v.toDate() == null ? null : v.toDate().toString());
    m.put("subject", v.subject());
    m.put("textBody", v.textBody());
    m.put("htmlBody", v.htmlBody());
    return m;
  }

  static String state(Vacations.Vacation v) {
    CRC32 crc = new CRC32();
    crc.update(dev.postamt.jmap.json.Json.bytes(object(v)));
    return "v" + Long.toString(crc.getValue(), 36);
  }

  static Map<String, Object> get(CallContext c, Args a) throws MethodError {
    List<String> ids = a.strings("ids");
    Vacations.Vacation v = read(c);
    List<Object> list = new ArrayList<>();
    List<Object> notFound = new ArrayList<>();
    if (ids == null || ids.contains(ID)) {
      list.add(IdentityMethods.select(object(v), a.strings("properties")));
    }
    if (ids != null) {
      ids.stream().filter(id -> !id.equals(ID)).distinct().forEach(notFound::add);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("state", state(v));
    r.put("list", list);
    r.put("notFound", notFound);
    return r;
  }

  static Map<String, Object> set(CallContext c, Args a) throws MethodError {
    Vacations.Vacation v = read(c);
    String oldState = state(v);
    String ifInState = a.string("ifInState");
    if (ifInState != null && !ifInState.equals(oldState)) {
      throw new MethodError("stateMismatch", "the state is no longer " + ifInState);
    }
    Map<String, Object> notCreated = new LinkedHashMap<>();
    Map<String, Object> create = a.object("create");
    if (create != null) {
      create.keySet().forEach(k -> notCreated.put(k, SetError.of("singleton", "there is exactly one VacationResponse")));
    }
    Map<String, Object> notDestroyed = new LinkedHashMap<>();
    List<String> destroy = a.strings("destroy");
    if (destroy != null) {
      destroy.forEach(id -> notDestroyed.put(id, SetError.of("singleton", "there is exactly one VacationResponse")));
    }
    List<String> updated = new ArrayList<>();
    Map<String, Object> notUpdated = new LinkedHashMap<>();
    Map<String, Object> update = a.object("update");
    if (update != null) {
      for (Map.Entry<String, Object> e : update.entrySet()) {
        if (!e.getKey().equals(ID)) {
          notUpdated.put(e.getKey(), SetError.of("notFound", null));
          continue;
        }
        try {
          if (!(e.getValue() instanceof Map<?, ?> patch)) {
            throw new SetError("invalidPatch", "the patch must be an object");
          }
          v = patched(v, patch);
          store(c).set(c.user, v);
          updated.add(ID);
        } catch (SetError f) {
          notUpdated.put(e.getKey(), f.error);
        } catch (SieveStoreException x) {
          notUpdated.put(e.getKey(), SetError.of("serverFail", x.getMessage()));
        }
      }
    }
    return SetError.response(c.accountId, oldState, state(read(c)), Map.of(), updated, Map.of(), List.of(), notCreated,
        notUpdated, notDestroyed);
  }

  private static Vacations.Vacation patched(Vacations.Vacation v, Map<?, ?> patch) throws SetError {
    boolean enabled = v.enabled();
    Instant from = v.fromDate();
    Instant to = v.toDate();
    String subject = v.subject();
    String text = v.textBody();
    String html = v.htmlBody();
    for (Map.Entry<?, ?> e : patch.entrySet()) {
      String p = String.valueOf(e.getKey());
      Object val = e.getValue();
      switch (p) {
        case "isEnabled" -> {
          if (!(val instanceof Boolean b)) {
            throw SetError.invalid(p, "isEnabled must be true or false");
          }
          enabled = b;
        }
        case "fromDate" -> from = date(p, val);
        case "toDate" -> to = date(p, val);
        case "subject" -> subject = string(p, val);
        case "textBody" -> text = string(p, val);
        case "htmlBody" -> html = string(p, val);
        case "id" -> {
          if (!ID.equals(val)) {
            throw SetError.invalid(p, "the id is singleton");
          }
        }
        default -> throw SetError.invalid(p, "no VacationResponse property " + p);
      }
    }
    if (from != null && to != null && !to.isAfter(from)) {
      throw SetError.invalid("toDate", "toDate must be after fromDate");
    }
    return new Vacations.Vacation(enabled, from, to, subject, text, html);
  }

  private static Instant date(String p, Object v) throws SetError {
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(String.valueOf(v));
    } catch (DateTimeParseException e) {
      throw SetError.invalid(p, p + " must be a UTCDate such as 2025-12-24T00:00:00Z");
    }
  }

  private static String string(String p, Object v) throws SetError {
    if (v != null && !(v instanceof String)) {
      throw SetError.invalid(p, p + " must be a string or null");
    }
    return (String) v;
  }
}
