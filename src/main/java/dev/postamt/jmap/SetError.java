package dev.postamt.jmap;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SetError (RFC 8620 §5.3) for one object of a {@code /set} call: thrown while handling that object,
 * put into {@code notCreated}, {@code notUpdated} or {@code notDestroyed}, and the call goes on.
 */
final class SetError extends Exception {
  final Map<String, Object> error;

  SetError(String type, String description) {
    super(description, null, false, false);
    this.error = of(type, description);
  }

  static Map<String, Object> of(String type, String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    if (description != null) {
      m.put("description", description);
    }
    return m;
  }

  /** {@code invalidProperties} naming the property. */
  static SetError invalid(String property, String description) {
    SetError e = new SetError("invalidProperties", description);
    e.error.put("properties", List.of(property));
    return e;
  }

  /** The response of a {@code /set} call (RFC 8620 §5.3), null for what is empty. */
  static Map<String, Object> response(String accountId, String oldState, String newState, Map<String, Object> created,
      List<String> updatedIds, Map<String, Object> updatedValues, List<String> destroyed, Map<String, Object> notCreated,
      Map<String, Object> notUpdated, Map<String, Object> notDestroyed) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", accountId);
    r.put("oldState", oldState);
    r.put("newState", newState);
    r.put("created", created.isEmpty() ? null : created);
    Map<String, Object> updated = new LinkedHashMap<>();
    for (String id : updatedIds) {
      updated.put(id, updatedValues.get(id));
    }
    r.put("updated", updated.isEmpty() ? null : updated);
    r.put("destroyed", destroyed.isEmpty() ? null : destroyed);
    r.put("notCreated", notCreated.isEmpty() ? null : notCreated);
    r.put("notUpdated", notUpdated.isEmpty() ? null : notUpdated);
    r.put("notDestroyed", notDestroyed.isEmpty() ? null : notDestroyed);
    return r;
  }
}
