package dev.postamt.sieve;

import dev.postamt.mime.Address;
import java.util.ArrayList;
import java.util.List;

/**
 * The address parts of RFC 5228 §2.7.4 and RFC 5233 (":user" and ":detail" with "+" as the separator),
 * taken from header values holding address lists.
 */
public final class AddressParts {
  private AddressParts() {}

  /** The header fields the address test accepts (RFC 5228 §5.1: fields that contain addresses). */
  public static boolean isAddressHeader(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "from", "to", "cc", "bcc", "sender", "reply-to", "resent-from", "resent-to", "resent-cc", "resent-bcc",
          "resent-sender", "resent-reply-to", "return-receipt-to", "errors-to", "disposition-notification-to",
          "delivered-to", "envelope-to", "x-original-to", "return-path", "x-envelope-from", "x-envelope-to",
          "approved", "apparently-to", "original-recipient", "original-from" -> true;
      default -> false;
    };
  }

  /** The chosen part of every address in {@code headerValues}; unparsable values count as a whole. */
  public static List<String> fromHeaders(List<String> headerValues, String part) {
    List<String> out = new ArrayList<>();
    for (String v : headerValues) {
      List<Address> list = Address.parseList(v);
      boolean any = false;
      for (Address a : list) {
        if (a.isGroupStart() || a.isGroupEnd()) {
          continue;
        }
        any = true;
        String p = part(a.mailbox() == null ? "" : a.mailbox(), a.host(), part);
        if (p != null) {
          out.add(p);
        }
      }
      if (!any && !v.isBlank() && part.equals("all")) {
        out.add(v.strip());
      }
    }
    return out;
  }

  /** One part of {@code local@domain}; null when the part does not exist (":detail" without "+"). */
  public static String part(String local, String domain, String part) {
    return switch (part) {
      case "localpart" -> local;
      case "domain" -> domain == null ? "" : domain;
      case "user" -> {
        int plus = local.indexOf('+');
        yield plus < 0 ? local : local.substring(0, plus);
      }
      case "detail" -> {
        int plus = local.indexOf('+');
        yield plus < 0 ? null : local.substring(plus + 1);
      }
      default -> domain == null || domain.isEmpty() ? local : local + "@" + domain;
    };
  }

  /** Splits an envelope address ("" for the null path) into local part and domain. */
  public static String envelopePart(String address, String part) {
    if (address == null) {
      return null;
    }
    String a = address.strip();
    if (a.startsWith("<") && a.endsWith(">")) {
      a = a.substring(1, a.length() - 1);
    }
    if (a.isEmpty()) {
      return part.equals("detail") ? null : "";
    }
    int at = a.lastIndexOf('@');
    return at < 0 ? part(a, null, part) : part(a.substring(0, at), a.substring(at + 1), part);
  }
}
