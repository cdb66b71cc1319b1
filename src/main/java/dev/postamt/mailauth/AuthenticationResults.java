package dev.postamt.mailauth;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds an Authentication-Results header field (RFC 8601) from the resinfo fragments the checks
 * produce ({@code DkimResult.authResults()}, {@code DmarcResult.authResults()}, the SPF result, …).
 * One fragment per line, so the field stays readable and within line limits.
 */
public final class AuthenticationResults {
  private AuthenticationResults() {}

  /**
   * The whole field, ending in CRLF, e.g. {@code Authentication-Results: mx.example.org;\r\n\tdkim=pass
   * …;\r\n\tdmarc=pass …\r\n}. With no fragments the field says {@code none} (§2.2).
   */
  public static String header(String authservId, List<String> resinfos) {
    StringBuilder sb = new StringBuilder("Authentication-Results: ").append(authservId);
    if (resinfos.isEmpty()) {
      return sb.append("; none\r\n").toString();
    }
    for (String r : resinfos) {
      sb.append(";\r\n\t").append(r);
    }
    return sb.append("\r\n").toString();
  }

  /** A parsed Authentication-Results value: its authserv-id and its resinfo fragments, trimmed. */
  public record Parsed(String authservId, List<String> resinfos) {}

  /**
   * Splits a field value into authserv-id and resinfos. Comments around the authserv-id are dropped
   * (they are CFWS, RFC 8601 §2.2); comments inside resinfos are kept. Semicolons inside comments or
   * quoted strings do not split. An optional version after the authserv-id is dropped.
   */
  public static Parsed parse(String value) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() && (quoted || depth > 0)) {
        cur.append(c).append(value.charAt(++i));
        continue;
      }
      if (quoted) {
        quoted = c != '"';
      } else if (c == '"' && depth == 0) {
        quoted = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (c == ';' && depth == 0) {
        parts.add(cur.toString());
        cur.setLength(0);
        continue;
      }
      cur.append(c);
    }
    parts.add(cur.toString());
    String id = withoutComments(parts.getFirst()).strip().split("\\s+")[0];
    List<String> resinfos = new ArrayList<>();
    for (String p : parts.subList(1, parts.size())) {
      String r = p.replaceAll("\\s+", " ").strip();
      if (!r.isEmpty()) {
        resinfos.add(r);
      }
    }
    return new Parsed(id, resinfos);
  }

  private static String withoutComments(String s) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
        out.append(' ');
      } else if (depth == 0) {
        out.append(c);
      }
    }
    return out.toString();
  }
}
