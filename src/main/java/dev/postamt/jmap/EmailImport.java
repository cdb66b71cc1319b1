package dev.postamt.jmap;

import dev.postamt.mime.HeaderSection;
import dev.postamt.store.MailboxInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code Email/import} (RFC 8621 §4.8: a blob, usually uploaded, stored as an Email), {@code
 * Email/copy} (§4.7) and {@code Email/parse} (§4.9: an Email object from a blob without storing it).
 * Each user has one account, so a copy goes from the account to itself: another {@code fromAccountId}
 * is {@code fromAccountNotFound}, another {@code accountId} {@code accountNotFound} (RFC 8620 §5.4).
 * A copy is a new message with the original's bytes, its keywords and receivedAt unless given; a copy
 * into or out of Junk teaches the spam filter as a move does ({@link JunkTraining}).
 */
final class EmailImport {
  private EmailImport() {}

  static Map<String, Object> importEmails(CallContext c, Args a) throws MethodError {
    Map<String, Object> emails = a.object("emails");
    if (emails == null) {
      throw MethodError.invalidArguments("emails is required");
    }
    if (emails.size() > c.limits.maxObjectsInSet()) {
      throw new MethodError("requestTooLarge", "more than " + c.limits.maxObjectsInSet() + " Emails");
    }
    String oldState = c.state();
    String ifInState = a.string("ifInState");
    if (ifInState != null && !ifInState.equals(oldState)) {
      throw new MethodError("stateMismatch", "the state is no longer " + ifInState);
    }
    Map<String, Object> created = new LinkedHashMap<>();
    Map<String, Object> notCreated = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : emails.entrySet()) {
      try {
        if (!(e.getValue() instanceof Map<?, ?> imp) || !(imp.get("blobId") instanceof String blobId)) {
          throw SetError.invalid("blobId", "each EmailImport needs a blobId");
        }
        for (Object k : imp.keySet()) {
          if (!Set.of("blobId", "mailboxIds", "keywords", "receivedAt").contains(String.valueOf(k))) {
            throw SetError.invalid(String.valueOf(k), "no EmailImport property " + k);
          }
        }
        MailboxInfo box = EmailCreate.mailbox(c, imp.get("mailboxIds"));
        Set<String> flags = EmailCreate.flags(imp.get("keywords"));
        byte[] message = EmailCreate.blob(c, blobId, "blobId");
        if (message.length > c.limits.maxSizeUpload()) {
          throw new SetError("tooLarge", "the message is larger than " + c.limits.maxSizeUpload() + " bytes");
        }
        if (!looksLikeMessage(message)) {
          throw new SetError("invalidEmail", "the blob is not an RFC 5322 message");
        }
        Map<String, Object> made = EmailCreate.append(c, box, message, flags, received(imp.get("receivedAt"), System.currentTimeMillis()));
        created.put(e.getKey(), made);
        c.created.put(e.getKey(), (String) made.get("id"));
      } catch (SetError f) {
        notCreated.put(e.getKey(), f.error);
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("oldState", oldState);
    r.put("newState", c.state());
    r.put("created", created.isEmpty() ? null : created);
    r.put("notCreated", notCreated.isEmpty() ? null : notCreated);
    return r;
  }

  /** A header section with at least one well-formed field before the body. */
  static boolean looksLikeMessage(byte[] message) {
    try {
      HeaderSection h = HeaderSection.parse(message);
      return !h.fields().isEmpty() && h.fields().stream().allMatch(f -> f.name().matches("[\\x21-\\x39\\x3b-\\x7e]+"));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static long received(Object v, long dflt) throws SetError {
    if (v == null) {
      return dflt;
    }
    try {
      return Instant.parse(String.valueOf(v)).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw SetError.invalid("receivedAt", "receivedAt must be a UTCDate");
    }
  }

  static Map<String, Object> copy(CallContext c, Args a) throws MethodError {
    String from = a.requiredString("fromAccountId");
    if (!from.equals(c.accountId)) {
      throw new MethodError("fromAccountNotFound", "no account " + from + " for this user (each user has one account)");
    }
    c.checkAccount(a);
    Map<String, Object> create = a.object("create");
    if (create == null) {
      throw MethodError.invalidArguments("create is required");
    }
    if (create.size() > c.limits.maxObjectsInSet()) {
      throw new MethodError("requestTooLarge", "more than " + c.limits.maxObjectsInSet() + " Emails");
    }
    String oldState = c.state();
    for (String arg : List.of("ifFromInState", "ifInState")) {
      String want = a.string(arg);
      if (want != null && !want.equals(oldState)) {
        throw new MethodError("stateMismatch", "the state is no longer " + want);
      }
    }
    boolean destroyOriginal = a.bool("onSuccessDestroyOriginal", false);
    Map<String, Object> created = new LinkedHashMap<>();
    Map<String, Object> notCreated = new LinkedHashMap<>();
    List<String> originals = new ArrayList<>();
    for (Map.Entry<String, Object> e : create.entrySet()) {
      try {
        if (!(e.getValue() instanceof Map<?, ?> cp) || !(cp.get("id") instanceof String id)) {
          throw SetError.invalid("id", "each copy needs the id of the Email to copy");
        }
        CallContext.Found f = Ids.email(c.resolve(id)).flatMap(c::find)
            .orElseThrow(() -> new SetError("notFound", "no Email " + id));
        MailboxInfo box = EmailCreate.mailbox(c, cp.get("mailboxIds"));
        Set<String> flags = cp.containsKey("keywords") ? EmailCreate.flags(cp.get("keywords"))
            : new java.util.TreeSet<>(f.message().flags());
        flags.remove(dev.postamt.store.Flags.DELETED);
        Optional<byte[]> bytes = EmailMethods.read(c, f);
        if (bytes.isEmpty()) {
          throw new SetError("notFound", "the Email went away");
        }
        long received = received(cp.get("receivedAt"), f.message().internalDate());
        Map<String, Object> made = EmailCreate.append(c, box, bytes.get(), flags, received);
        Ids.email((String) made.get("id"))
            .ifPresent(ref -> JunkTraining.moved(c, f.mailbox(), box, List.of(ref.uid())));
        created.put(e.getKey(), made);
        c.created.put(e.getKey(), (String) made.get("id"));
        originals.add(f.id());
      } catch (SetError f) {
        notCreated.put(e.getKey(), f.error);
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("fromAccountId", c.accountId);
    r.put("accountId", c.accountId);
    r.put("oldState", oldState);
    r.put("newState", c.state());
    r.put("created", created.isEmpty() ? null : created);
    r.put("notCreated", notCreated.isEmpty() ? null : notCreated);
    if (destroyOriginal && !originals.isEmpty()) { // RFC 8620 §5.4: an implicit Foo/set destroy follows
      Map<String, Object> args = new LinkedHashMap<>();
      args.put("accountId", c.accountId);
      args.put("destroy", originals);
      c.implicit.add(Map.entry("Email/set", EmailSet.set(c, new Args(args))));
    }
    return r;
  }

  static Map<String, Object> parse(CallContext c, Args a) throws MethodError {
    List<String> blobIds = a.strings("blobIds");
    if (blobIds == null) {
      throw MethodError.invalidArguments("blobIds is required");
    }
    if (blobIds.size() > c.limits.maxObjectsInGet()) {
      throw new MethodError("requestTooLarge", "more than " + c.limits.maxObjectsInGet() + " blobs");
    }
    EmailMethods.Wanted w = EmailMethods.wanted(a, PARSE_DEFAULTS);
    Map<String, Object> parsed = new LinkedHashMap<>();
    List<String> notParsable = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    for (String blobId : new LinkedHashSet<>(blobIds)) {
      byte[] bytes;
      try {
        bytes = EmailCreate.blob(c, blobId, "blobIds");
      } catch (SetError e) {
        if ("blobNotFound".equals(e.error.get("type"))) {
          notFound.add(blobId);
          continue;
        }
        throw new MethodError("serverFail", e.getMessage());
      }
      if (!looksLikeMessage(bytes)) {
        notParsable.add(blobId);
        continue;
      }
      // part blobIds of a stored message resolve; those inside an uploaded one do not (see package-info)
      Ids.MessageRef ref = Ids.blob(blobId).filter(b -> b.partId() == null).map(Ids.BlobRef::message)
          .orElse(new Ids.MessageRef(0, 0, 0));
      parsed.put(blobId, EmailMethods.parsed(new EmailView(bytes, ref), blobId, bytes.length, w.props(),
          w.bodyProps(), w.values()));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("parsed", parsed.isEmpty() ? null : parsed);
    r.put("notParsable", notParsable.isEmpty() ? null : notParsable);
    r.put("notFound", notFound.isEmpty() ? null : notFound);
    return r;
  }

  /** RFC 8621 §4.9: what Email/parse returns when no properties are asked for. */
  static final List<String> PARSE_DEFAULTS = List.of("messageId", "inReplyTo", "references", "sender", "from", "to",
      "cc", "bcc", "replyTo", "subject", "sentAt", "hasAttachment", "preview", "bodyValues", "textBody", "htmlBody",
      "attachments");
}
