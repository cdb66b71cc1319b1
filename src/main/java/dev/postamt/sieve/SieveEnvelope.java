package dev.postamt.sieve;

/**
 * The SMTP envelope of the message being delivered (RFC 5228 §5.4): the reverse-path ("" for the null
 * sender), the recipient being delivered to, the original recipient (ORCPT) and the authenticated user;
 * null where unknown.
 */
public record SieveEnvelope(String from, String to, String origTo, String auth) {
  public String part(String name) {
    return switch (name) {
      case "from" -> from;
      case "to" -> to;
      case "orig_to" -> origTo;
      case "auth" -> auth;
      default -> null;
    };
  }
}
