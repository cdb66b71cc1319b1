package dev.postamt.jmap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every {@code Foo/set} call shares (RFC 8620 §5.3): the three change lists, the limit on how many
 * changes one call may make, {@code ifInState}, and the response with its six result fields (null when
 * empty, as the RFC allows).
 */
final class SetRequest {
  final Map<String, Object> create;
  final Map<String, Object> update;
  final List<String> destroy;
  final String oldState;
  final Map<String, Object> created = new LinkedHashMap<>();
  final Map<String, Object> notCreated = new LinkedHashMap<>();
  final Map<String, Object> updated = new LinkedHashMap<>();
  final Map<String, Object> notUpdated = new LinkedHashMap<>();
  final List<String> destroyed = new ArrayList<>();
  final Map<String, Object> notDestroyed = new LinkedHashMap<>();

  private SetRequest(Map<String, Object> create, Map<String, Object> update, List<String> destroy, String oldState) {
    this.create = create == null ? Map.of() : create;
    this.update = update == null ? Map.of() : update;
    this.destroy = destroy == null ? List.of() : destroy;
    this.oldState = oldState;
  }

  /** The request's changes, refused whole when there are too many or the state is not {@code ifInState}. */
  static SetRequest of(CallContext c, Args a) throws MethodError {
    SetRequest r = of(a, c.state());
    if (r.create.size() + r.update.size() + r.destroy.size() > c.limits.maxObjectsInSet()) {
      throw new MethodError("requestTooLarge", "more than " + c.limits.maxObjectsInSet() + " changes");
    }
    return r;
  }

  /** The request's changes for an object type whose state is {@code oldState}; refused when {@code ifInState} differs. */
  static SetRequest of(Args a, String oldState) throws MethodError {
    SetRequest r = new SetRequest(a.object("create"), a.object("update"), a.strings("destroy"), oldState);
    String ifInState = a.string("ifInState");
    if (ifInState != null && !ifInState.equals(r.oldState)) {
      throw new MethodError("stateMismatch", "the state is no longer " + ifInState);
    }
    return r;
  }

  Map<String, Object> response(CallContext c) {
    return SetError.response(c.accountId, oldState, c.state(), created, new ArrayList<>(updated.keySet()), updated, destroyed,
        notCreated, notUpdated, notDestroyed);
  }
}
