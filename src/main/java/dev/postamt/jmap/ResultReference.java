package dev.postamt.jmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Back-references between the calls of one request (RFC 8620 §3.7): an argument {@code "#name": {
 * "resultOf": callId, "name": method, "path": pointer}} takes its value from an earlier response, found
 * by a JSON Pointer (RFC 6901) extended with {@code *}, which maps the rest of the path over each item
 * of an array and flattens arrays that result.
 */
final class ResultReference {
  private ResultReference() {}

  /** A response so far: method name, arguments, call id. */
  record Done(String name, Map<String, Object> arguments, String callId) {}

  /**
   * The arguments with every {@code #} argument replaced by its value.
   *
   * @throws MethodError {@code invalidArguments} when both {@code x} and {@code #x} are given, {@code
   *     invalidResultReference} when a reference cannot be followed
   */
  static Map<String, Object> resolve(Map<String, Object> args, List<Done> done) throws MethodError {
    if (args.keySet().stream().noneMatch(k -> k.startsWith("#"))) {
      return args;
    }
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Object> e : args.entrySet()) {
      String k = e.getKey();
      if (!k.startsWith("#")) {
        out.put(k, e.getValue());
        continue;
      }
      String plain = k.substring(1);
      if (args.containsKey(plain)) {
        throw MethodError.invalidArguments("both " + plain + " and " + k + " given");
      }
      if (!(e.getValue() instanceof Map<?, ?> ref)
          || !(ref.get("resultOf") instanceof String resultOf)
          || !(ref.get("name") instanceof String name)
          || !(ref.get("path") instanceof String path)) {
        throw new MethodError("invalidResultReference", k + " must be an object with resultOf, name and path");
      }
      Done source = null;
      for (Done d : done) {
        if (d.callId().equals(resultOf)) {
          source = d; // RFC 8620 §3.7: the first response with that id... any earlier one matches
          break;
        }
      }
      if (source == null || !source.name().equals(name)) {
        throw new MethodError("invalidResultReference", "no earlier " + name + " response with call id " + resultOf);
      }
      try {
        out.put(plain, evaluate(source.arguments(), path));
      } catch (IllegalArgumentException bad) {
        throw new MethodError("invalidResultReference", "path " + path + ": " + bad.getMessage());
      }
    }
    return out;
  }

  /** Evaluates an RFC 6901 pointer with the JMAP {@code *} extension. */
  static Object evaluate(Object value, String path) {
    if (path.isEmpty()) {
      return value;
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("must start with /");
    }
    String[] tokens = path.substring(1).split("/", -1);
    return walk(value, tokens, 0);
  }

  private static Object walk(Object value, String[] tokens, int at) {
    if (at == tokens.length) {
      return value;
    }
    String t = tokens[at].replace("~1", "/").replace("~0", "~");
    if (value instanceof Map<?, ?> m) {
      if (!m.containsKey(t)) {
        throw new IllegalArgumentException("no member \"" + t + "\"");
      }
      return walk(m.get(t), tokens, at + 1);
    }
    if (value instanceof List<?> l) {
      if (t.equals("*")) {
        List<Object> out = new ArrayList<>();
        for (Object item : l) {
          Object r = walk(item, tokens, at + 1);
          if (r instanceof List<?> inner) {
            out.addAll(inner); // §3.7: an array result is flattened into the output
          } else {
            out.add(r);
          }
        }
        return out;
      }
      if (!t.matches("0|[1-9][0-9]{0,8}") || Integer.parseInt(t) >= l.size()) {
        throw new IllegalArgumentException("no item \"" + t + "\"");
      }
      return walk(l.get(Integer.parseInt(t)), tokens, at + 1);
    }
    throw new IllegalArgumentException("cannot descend into a " + (value == null ? "null" : "value") + " at \"" + t + "\"");
  }
}
