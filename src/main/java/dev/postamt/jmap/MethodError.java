package dev.postamt.jmap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A method-level error (RFC 8620 §3.6.2): the response for that call becomes {@code ["error", {"type":
 * …, "description": …}, callId]} and the request goes on with the next call.
 */
public final class MethodError extends Exception {
  private final String type;

  public MethodError(String type, String description) {
    super(description);
    this.type = type;
  }

  public String type() {
    return type;
  }

  public static MethodError invalidArguments(String description) {
    return new MethodError("invalidArguments", description);
  }

  /** The arguments of the error response. */
  public Map<String, Object> arguments() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    if (getMessage() != null) {
      m.put("description", getMessage());
    }
    return m;
  }
}
