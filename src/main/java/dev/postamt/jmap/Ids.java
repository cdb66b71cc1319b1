package dev.postamt.jmap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JMAP ids (RFC 8620 §1.2: 1–255 characters of {@code A-Za-z0-9-_}) made from the store's own ids, so
 * they are stable across restarts and the same for every client of the account:
 *
 * <ul>
 *   <li>account: {@code a} and 20 hex digits of SHA-256 of the address (the address itself may hold
 *       characters an id may not);
 *   <li>mailbox: {@code m} and the store's mailbox id in base 36;
 *   <li>Email: {@code e} and mailbox id, UIDVALIDITY and UID in base 36, joined by {@code _}. A new
 *       UIDVALIDITY makes new ids, so an id never names another message (RFC 8620 §1.2);
 *   <li>Thread: {@code t} and the same three numbers (every Email is its own Thread for now);
 *   <li>blob: {@code b} and the same three numbers for the whole message, followed by {@code _} and
 *       the part id (dots as {@code -}) for one body part; {@code u} and 32 hex digits for an upload.
 * </ul>
 */
public final class Ids {
  private Ids() {}

  /** Where one message is in the store. */
  public record MessageRef(long mailboxId, long uidValidity, long uid) {
    String suffix() {
      return b36(mailboxId) + "_" + b36(uidValidity) + "_" + b36(uid);
    }
  }

  private static final Pattern MESSAGE = Pattern.compile("([0-9a-z]{1,13})_([0-9a-z]{1,13})_([0-9a-z]{1,13})");
  private static final Pattern PART_BLOB = Pattern.compile("b" + MESSAGE.pattern() + "(?:_([0-9-]{1,64}))?");

  public static String account(String user) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(user.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
      return "a" + HexFormat.of().formatHex(h, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String mailbox(long id) {
    return "m" + b36(id);
  }

  /** The store's mailbox id of a JMAP mailbox id, or -1 when it is not one of ours. */
  public static long mailbox(String id) {
    if (id == null || id.length() < 2 || id.length() > 14 || id.charAt(0) != 'm') {
      return -1;
    }
    return parse36(id.substring(1));
  }

  public static String email(MessageRef r) {
    return "e" + r.suffix();
  }

  public static String thread(MessageRef r) {
    return "t" + r.suffix();
  }

  public static String blob(MessageRef r) {
    return "b" + r.suffix();
  }

  /** The blob of one body part ({@code partId} as {@link EmailView} numbers them: {@code 1.2}). */
  public static String blob(MessageRef r, String partId) {
    return "b" + r.suffix() + "_" + partId.replace('.', '-');
  }

  public static Optional<MessageRef> email(String id) {
    return ref(id, 'e');
  }

  public static Optional<MessageRef> thread(String id) {
    return ref(id, 't');
  }

  /** A message blob: the message, and the part id (null for the whole message). */
  public record BlobRef(MessageRef message, String partId) {}

  public static Optional<BlobRef> blob(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Matcher m = PART_BLOB.matcher(id);
    if (!m.matches()) {
      return Optional.empty();
    }
    long a = parse36(m.group(1));
    long b = parse36(m.group(2));
    long c = parse36(m.group(3));
    if (a < 0 || b < 0 || c < 0) {
      return Optional.empty();
    }
    String part = m.group(4) == null ? null : m.group(4).replace('-', '.');
    return Optional.of(new BlobRef(new MessageRef(a, b, c), part));
  }

  private static Optional<MessageRef> ref(String id, char kind) {
    if (id == null || id.isEmpty() || id.charAt(0) != kind) {
      return Optional.empty();
    }
    Matcher m = MESSAGE.matcher(id.substring(1));
    if (!m.matches()) {
      return Optional.empty();
    }
    long a = parse36(m.group(1));
    long b = parse36(m.group(2));
    long c = parse36(m.group(3));
    return a < 0 || b < 0 || c < 0 ? Optional.empty() : Optional.of(new MessageRef(a, b, c));
  }

  static String b36(long v) {
    return Long.toString(v, 36);
  }

  static long parse36(String s) {
    if (s.isEmpty() || s.length() > 13) {
      return -1;
    }
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
        return -1;
      }
    }
    try {
      return Long.parseLong(s, 36);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
