package dev.postamt.jmap;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code Email/set create} (RFC 8621 §4.6): an Email object becomes an RFC 5322 message ({@link
 * MessageWriter}) appended to its one Mailbox with its keywords. Header fields come from the
 * convenience properties (from, to, subject, sentAt, messageId…), from {@code headers} and from {@code
 * header:Name[:asForm]} properties; a Date and a Message-ID are added when not given (RFC 5322 §3.6).
 * The body is {@code bodyStructure}, or made from {@code textBody}, {@code htmlBody} and {@code
 * attachments} as §4.6 describes: text and HTML as {@code multipart/alternative}, inline parts with
 * the HTML as {@code multipart/related}, attachments around them in {@code multipart/mixed}. Part
 * content is a {@code bodyValues} entry ({@code partId}) or a blob ({@code blobId}: an upload or a part
 * of a stored message).
 */
final class EmailCreate {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<String, String> ADDRESS_FIELDS = Map.of("from", "From", "sender", "Sender", "to", "To",
      "cc", "Cc", "bcc", "Bcc", "replyTo", "Reply-To");
  private static final Map<String, String> ID_FIELDS = Map.of("messageId", "Message-ID", "inReplyTo", "In-Reply-To",
      "references", "References");
  private static final Set<String> IGNORED = Set.of("id", "blobId", "threadId", "size", "hasAttachment", "preview");

  private EmailCreate() {}

  /** Creates one Email; returns the created object's server-set properties (id, blobId, threadId, size). */
  static Map<String, Object> create(CallContext c, Map<?, ?> email) throws SetError {
    MailboxInfo box = mailbox(c, email.get("mailboxIds"));
    Set<String> flags = flags(email.get("keywords"));
    long received = System.currentTimeMillis();
    if (email.get("receivedAt") instanceof String s) {
      received = utc("receivedAt", s).toEpochMilli();
    } else if (email.get("receivedAt") != null) {
      throw SetError.invalid("receivedAt", "receivedAt must be a UTCDate");
    }
    byte[] message = compose(c, email);
    if (message.length > c.limits.maxSizeUpload()) {
      throw new SetError("tooLarge", "the message would be larger than " + c.limits.maxSizeUpload() + " bytes");
    }
    return append(c, box, message, flags, received);
  }

  /** Appends a message and answers as Email/set and Email/import do: id, blobId, threadId, size. */
  static Map<String, Object> append(CallContext c, MailboxInfo box, byte[] message, Set<String> flags, long received)
      throws SetError {
    Account.AppendResult r;
    try {
      r = c.account.append(box.name(), new ByteArrayInputStream(message), message.length, flags, received);
    } catch (StoreException e) {
      throw new SetError(e.kind() == StoreException.Kind.OVERQUOTA || e.kind() == StoreException.Kind.NOSPACE
          ? "overQuota" : "forbidden", e.getMessage());
    } finally {
      c.changed();
    }
    Ids.MessageRef ref = new Ids.MessageRef(box.id(), r.uidValidity(), r.uid());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", Ids.email(ref));
    out.put("blobId", Ids.blob(ref));
    out.put("threadId", Threads.of(c, ref, message));
    out.put("size", (long) message.length);
    return out;
  }

  /** The one Mailbox of {@code mailboxIds} (the store keeps an Email in exactly one). */
  static MailboxInfo mailbox(CallContext c, Object v) throws SetError {
    if (!(v instanceof Map<?, ?> m) || m.size() != 1 || !Boolean.TRUE.equals(m.values().iterator().next())) {
      throw SetError.invalid("mailboxIds", "mailboxIds must name exactly one Mailbox (this server keeps each Email in one)");
    }
    String id = String.valueOf(m.keySet().iterator().next());
    long mid = Ids.mailbox(id);
    Optional<MailboxInfo> box = mid < 0 ? Optional.empty() : c.account.mailbox(mid);
    return box.orElseThrow(() -> SetError.invalid("mailboxIds", "no such Mailbox: " + id));
  }

  static Set<String> flags(Object v) throws SetError {
    Set<String> flags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    if (v == null) {
      return flags;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw SetError.invalid("keywords", "keywords must be an object of true values");
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String k = String.valueOf(e.getKey()).toLowerCase(Locale.ROOT);
      if (!Boolean.TRUE.equals(e.getValue()) || !Keywords.valid(k)) {
        throw SetError.invalid("keywords", "not a valid keyword: " + k);
      }
      flags.add(Keywords.flag(k));
    }
    return flags;
  }

  private static Instant utc(String property, String s) throws SetError {
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw SetError.invalid(property, property + " must be a date like 2025-12-04T10:00:00Z");
    }
  }

  // ---- the message

  static byte[] compose(CallContext c, Map<?, ?> email) throws SetError {
    List<MessageWriter.Field> top = new ArrayList<>();
    Set<String> named = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<?, ?> e : email.entrySet()) {
      String p = String.valueOf(e.getKey());
      Object v = e.getValue();
      if (v == null || IGNORED.contains(p) || p.equals("mailboxIds") || p.equals("keywords") || p.equals("receivedAt")
          || p.equals("bodyStructure") || p.equals("textBody") || p.equals("htmlBody") || p.equals("attachments")
          || p.equals("bodyValues")) {
        continue;
      }
      if (ADDRESS_FIELDS.containsKey(p)) {
        add(top, named, ADDRESS_FIELDS.get(p), MessageWriter.addresses(addressList(p, v)));
      } else if (ID_FIELDS.containsKey(p)) {
        add(top, named, ID_FIELDS.get(p), messageIds(p, v));
      } else if (p.equals("subject")) {
        add(top, named, "Subject", MessageWriter.text(string(p, v)));
      } else if (p.equals("sentAt")) {
        add(top, named, "Date", MessageWriter.date(ZonedDateTime.parse(dateString(p, v))));
      } else if (p.equals("headers")) {
        for (Map.Entry<String, String> h : rawHeaders(p, v)) {
          if (h.getKey().toLowerCase(Locale.ROOT).startsWith("content-")) {
            continue; // the MIME fields are ours to write
          }
          add(top, named, h.getKey(), h.getValue());
        }
      } else if (p.startsWith("header:")) {
        headerProperty(top, named, p, v);
      } else {
        throw SetError.invalid(p, "no Email property " + p + " can be set");
      }
    }
    if (!named.contains("Date")) {
      top.add(new MessageWriter.Field("Date", MessageWriter.date(ZonedDateTime.now(ZoneOffset.UTC))));
    }
    if (!named.contains("Message-ID")) {
      byte[] r = new byte[12];
      RANDOM.nextBytes(r);
      String domain = c.user.substring(c.user.indexOf('@') + 1);
      top.add(new MessageWriter.Field("Message-ID", "<" + HexFormat.of().formatHex(r) + "@" + domain + ">"));
    }
    Map<String, Object> values = bodyValues(email.get("bodyValues"));
    MessageWriter.Node body;
    if (email.get("bodyStructure") != null) {
      if (email.get("textBody") != null || email.get("htmlBody") != null || email.get("attachments") != null) {
        throw SetError.invalid("bodyStructure", "give bodyStructure or textBody/htmlBody/attachments, not both");
      }
      body = EmailParts.node(c, email.get("bodyStructure"), values, "bodyStructure");
    } else {
      body = EmailParts.fromLists(c, email.get("textBody"), email.get("htmlBody"), email.get("attachments"), values);
    }
    return MessageWriter.write(top, body);
  }

  private static void add(List<MessageWriter.Field> top, Set<String> named, String name, String value) throws SetError {
    if (!named.add(name) && !name.equalsIgnoreCase("Received") && !name.toLowerCase(Locale.ROOT).startsWith("x-")
        && !name.equalsIgnoreCase("Comments") && !name.equalsIgnoreCase("Keywords")) {
      throw SetError.invalid(name, "the " + name + " header field is given twice");
    }
    top.add(new MessageWriter.Field(name, value));
  }

  private static String string(String p, Object v) throws SetError {
    if (!(v instanceof String s)) {
      throw SetError.invalid(p, p + " must be a string");
    }
    return s;
  }

  private static String dateString(String p, Object v) throws SetError {
    String s = string(p, v);
    try {
      ZonedDateTime.parse(s);
      return s;
    } catch (DateTimeParseException e) {
      throw SetError.invalid(p, p + " must be a date like 2025-12-04T10:00:00+01:00");
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> addressList(String p, Object v) throws SetError {
    if (!(v instanceof List<?> l)) {
      throw SetError.invalid(p, p + " must be a list of EmailAddress objects");
    }
    for (Object o : l) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("email") instanceof String e) || !e.matches("[^\\s<>@\",]+@[^\\s<>@\",]+")
          || (m.get("name") != null && !(m.get("name") instanceof String))) {
        throw SetError.invalid(p, p + " must be a list of EmailAddress objects with valid addresses");
      }
    }
    return (List<Map<String, Object>>) l;
  }

  private static String messageIds(String p, Object v) throws SetError {
    if (!(v instanceof List<?> l) || l.isEmpty()) {
      throw SetError.invalid(p, p + " must be a list of message ids");
    }
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof String s) || !s.matches("[^\\s<>]+@[^\\s<>]+")) {
        throw SetError.invalid(p, p + " must be a list of message ids (without angle brackets)");
      }
      out.add("<" + s + ">");
    }
    return String.join(" ", out);
  }

  static List<Map.Entry<String, String>> rawHeaders(String p, Object v) throws SetError {
    if (!(v instanceof List<?> l)) {
      throw SetError.invalid(p, p + " must be a list of EmailHeader objects");
    }
    List<Map.Entry<String, String>> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof Map<?, ?> m) || !(m.get("name") instanceof String n) || !(m.get("value") instanceof String val)
          || !n.matches("[\\x21-\\x39\\x3b-\\x7e]+")) {
        throw SetError.invalid(p, p + " must be a list of {name, value} objects");
      }
      out.add(Map.entry(n, val.strip()));
    }
    return out;
  }

  /** {@code header:Name[:asForm]} (RFC 8621 §4.1.3) into one field (or several with {@code :all}). */
  static void headerProperty(List<MessageWriter.Field> top, Set<String> named, String p, Object v) throws SetError {
    HeaderForms.HeaderProperty h = HeaderForms.parseProperty(p);
    if (h == null) {
      throw SetError.invalid(p, "not a header property: " + p);
    }
    if (h.name().toLowerCase(Locale.ROOT).startsWith("content-")) {
      throw SetError.invalid(p, "Content-* fields are set on body parts");
    }
    List<Object> values = h.all() ? (v instanceof List<?> l ? new ArrayList<>(l) : null) : List.of(v);
    if (values == null) {
      throw SetError.invalid(p, p + " must be a list (it ends in :all)");
    }
    for (Object one : values) {
      String value = switch (h.form()) {
        case RAW -> string(p, one).strip();
        case TEXT -> MessageWriter.text(string(p, one));
        case ADDRESSES -> MessageWriter.addresses(addressList(p, one));
        case MESSAGE_IDS -> messageIds(p, one);
        case DATE -> MessageWriter.date(ZonedDateTime.parse(dateString(p, one)));
        case URLS -> {
          if (!(one instanceof List<?> l)) {
            throw SetError.invalid(p, p + " must be a list of URLs");
          }
          List<String> urls = new ArrayList<>();
          for (Object u : l) {
            urls.add("<" + string(p, u) + ">");
          }
          yield String.join(", ", urls);
        }
        case GROUPED_ADDRESSES -> throw SetError.invalid(p, "asGroupedAddresses cannot be set here; use asAddresses");
      };
      add(top, named, h.name(), value);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> bodyValues(Object v) throws SetError {
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw SetError.invalid("bodyValues", "bodyValues must be an object");
    }
    for (Object o : m.values()) {
      if (!(o instanceof Map<?, ?> bv) || !(bv.get("value") instanceof String)
          || Boolean.TRUE.equals(bv.get("isTruncated")) || Boolean.TRUE.equals(bv.get("isEncodingProblem"))) {
        throw SetError.invalid("bodyValues", "each body value is {value} (not truncated, no encoding problem)");
      }
    }
    return (Map<String, Object>) m;
  }

  /** The bytes of a blob of the account, or invalidProperties naming {@code property}. */
  static byte[] blob(CallContext c, String blobId, String property) throws SetError {
    if (c.services == null) {
      throw SetError.invalid(property, "blobs cannot be used here");
    }
    try {
      Optional<Blobs.Download> d = c.services.blobs.download(c.user, blobId);
      if (d.isEmpty()) {
        SetError e = new SetError("blobNotFound", "no blob " + blobId);
        e.error.put("notFound", List.of(blobId));
        throw e;
      }
      try (Blobs.Download dl = d.get()) {
        return dl.content().readAllBytes();
      }
    } catch (IOException e) {
      throw new SetError("serverFail", "cannot read blob " + blobId + ": " + e.getMessage());
    }
  }

  /** The type a blob was uploaded with, or null. */
  static String blobType(CallContext c, String blobId) {
    try {
      Optional<Blobs.Download> d = c.services.blobs.download(c.user, blobId);
      if (d.isPresent()) {
        try (Blobs.Download dl = d.get()) {
          return dl.type();
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }
}
