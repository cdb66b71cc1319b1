package dev.postamt.mailauth;

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
}
