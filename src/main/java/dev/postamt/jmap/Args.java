package dev.postamt.jmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The arguments of one method call, read with their JMAP types; a wrong type or a value out of range
 * is {@code invalidArguments} naming the argument (RFC 8620 §3.6.2).
 */
final class Args {
  private final Map<String, Object> m;

  Args(Map<String, Object> m) {
    this.m = m;
  }

  Map<String, Object> raw() {
    return m;
  }

  boolean has(String name) {
    return m.get(name) != null;
  }

  String string(String name) throws MethodError {
    Object v = m.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw MethodError.invalidArguments(name + " must be a string");
    }
    return s;
  }

  String requiredString(String name) throws MethodError {
    String s = string(name);
    if (s == null) {
      throw MethodError.invalidArguments(name + " is required");
    }
    return s;
  }

  boolean bool(String name, boolean dflt) throws MethodError {
    Object v = m.get(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean b)) {
      throw MethodError.invalidArguments(name + " must be true or false");
    }
    return b;
  }

  /** An UnsignedInt or Int in {@code [min, max]}, or {@code dflt} when absent or null. */
  long number(String name, long dflt, long min, long max) throws MethodError {
    Object v = m.get(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Long l) || l < min || l > max) {
      throw MethodError.invalidArguments(name + " must be an integer from " + min + " to " + max);
    }
    return l;
  }

  /** A list of strings (ids), or null when absent or null. */
  List<String> strings(String name) throws MethodError {
    Object v = m.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      throw MethodError.invalidArguments(name + " must be a list of strings");
    }
    List<String> out = new ArrayList<>(l.size());
    for (Object o : l) {
      if (!(o instanceof String s)) {
        throw MethodError.invalidArguments(name + " must be a list of strings");
      }
      out.add(s);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> object(String name) throws MethodError {
    Object v = m.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> o)) {
      throw MethodError.invalidArguments(name + " must be an object");
    }
    return (Map<String, Object>) o;
  }

  /** A list of objects (sort comparators), or null. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> objects(String name) throws MethodError {
    Object v = m.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      throw MethodError.invalidArguments(name + " must be a list of objects");
    }
    for (Object o : l) {
      if (!(o instanceof Map<?, ?>)) {
        throw MethodError.invalidArguments(name + " must be a list of objects");
      }
    }
    return (List<Map<String, Object>>) (List<?>) l;
  }
}
