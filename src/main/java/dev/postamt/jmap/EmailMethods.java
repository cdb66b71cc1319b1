package dev.postamt.jmap;

import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code Email/get}, {@code Email/changes}, {@code Thread/get} and {@code Thread/changes} (RFC 8621
 * §4.2, §4.3, §3). Properties that need the message itself (headers, bodies, preview) read and parse
 * it once per Email; the rest come from the index. Threads come from Message-ID linkage ({@link Threads}).
 */
final class EmailMethods {
  private EmailMethods() {}

  static final List<String> DEFAULT_PROPERTIES = List.of("id", "blobId", "threadId", "mailboxIds", "keywords", "size",
      "receivedAt", "messageId", "inReplyTo", "references", "sender", "from", "to", "cc", "bcc", "replyTo", "subject",
      "sentAt", "hasAttachment", "preview", "bodyValues", "textBody", "htmlBody", "attachments");
  private static final Set<String> INDEX_PROPERTIES =
      Set.of("id", "blobId", "threadId", "mailboxIds", "keywords", "size", "receivedAt");
  private static final Set<String> OTHER_PROPERTIES = Set.of("headers", "bodyStructure");
  private static final Map<String, String> CONVENIENCE = Map.ofEntries(
      Map.entry("messageId", "header:Message-ID:asMessageIds"),
      Map.entry("inReplyTo", "header:In-Reply-To:asMessageIds"),
      Map.entry("references", "header:References:asMessageIds"),
      Map.entry("sender", "header:Sender:asAddresses"),
      Map.entry("from", "header:From:asAddresses"),
      Map.entry("to", "header:To:asAddresses"),
      Map.entry("cc", "header:Cc:asAddresses"),
      Map.entry("bcc", "header:Bcc:asAddresses"),
      Map.entry("replyTo", "header:Reply-To:asAddresses"),
      Map.entry("subject", "header:Subject:asText"),
      Map.entry("sentAt", "header:Date:asDate"));

  static Map<String, Object> get(CallContext c, Args a) throws MethodError {
    List<String> ids = a.strings("ids");
    Wanted w = wanted(a, DEFAULT_PROPERTIES);
    List<String> props = w.props();
    List<String> bodyProps = w.bodyProps();
    BodyValues values = w.values();
    String state = c.state();
    if (ids == null) {
      ids = new ArrayList<>();
      for (MailboxInfo m : c.mailboxes()) {
        for (MessageRecord r : c.snapshot(m.id()).messages()) {
          ids.add(CallContext.Found.of(m, r).id());
        }
      }
    }
    if (ids.size() > c.limits.maxObjectsInGet()) {
      throw new MethodError("requestTooLarge", "more than " + c.limits.maxObjectsInGet() + " Emails; ask by ids");
    }
    List<Object> list = new ArrayList<>();
    List<Object> notFound = new ArrayList<>();
    for (String id : new LinkedHashSet<>(ids)) {
      Optional<CallContext.Found> f = Ids.email(c.resolve(id)).flatMap(c::find);
      Optional<Map<String, Object>> o = f.isEmpty() ? Optional.empty() : email(c, f.get(), props, bodyProps, values);
      if (o.isPresent()) {
        list.add(o.get());
      } else {
        notFound.add(id);
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("state", state);
    r.put("list", list);
    r.put("notFound", notFound);
    return r;
  }

  /** Which body values Email/get returns (RFC 8621 §4.2). */
  record BodyValues(boolean text, boolean html, boolean all, long maxBytes) {}

  /** One Email object; empty when the message went away while reading it. */
  static Optional<Map<String, Object>> email(CallContext c, CallContext.Found f, List<String> props,
      List<String> bodyProps, BodyValues values) throws MethodError {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("id", f.id());
    EmailView view = null;
    if (!INDEX_PROPERTIES.containsAll(props)) {
      Optional<EmailView> v = view(c, f);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      view = v.get();
    }
    MessageRecord m = f.message();
    for (String p : props) {
      switch (p) {
        case "id" -> { }
        case "blobId" -> o.put(p, Ids.blob(f.ref()));
        case "threadId" -> o.put(p, Threads.of(c, f.mailbox(), m));
        case "mailboxIds" -> o.put(p, Map.of(Ids.mailbox(f.mailbox().id()), true));
        case "keywords" -> o.put(p, Keywords.of(m.flags()));
        case "size" -> o.put(p, m.size());
        case "receivedAt" -> o.put(p, HeaderForms.utc(m.internalDate()));
        default -> viewProperty(o, view, p, bodyProps, values);
      }
    }
    return Optional.of(o);
  }

  /** A property read from the parsed message (headers, bodies, preview). */
  private static void viewProperty(Map<String, Object> o, EmailView view, String p, List<String> bodyProps,
      BodyValues values) {
    switch (p) {
      case "hasAttachment" -> o.put(p, !view.attachments.isEmpty());
      case "preview" -> o.put(p, view.preview());
      case "headers" -> o.put(p, EmailView.headers(view.root));
      case "bodyStructure" -> o.put(p, view.partObject(view.structure, bodyProps, true));
      case "textBody" -> o.put(p, parts(view, view.textBody, bodyProps));
      case "htmlBody" -> o.put(p, parts(view, view.htmlBody, bodyProps));
      case "attachments" -> o.put(p, parts(view, view.attachments, bodyProps));
      case "bodyValues" -> o.put(p, bodyValues(view, values));
      default -> {
        String header = CONVENIENCE.getOrDefault(p, p);
        o.put(p, HeaderForms.value(view.root, HeaderForms.parseProperty(header)));
      }
    }
  }

  /**
   * Email/parse (RFC 8621 §4.9): an Email object from a message that is not stored. id, mailboxIds,
   * keywords, receivedAt and threadId are null.
   */
  static Map<String, Object> parsed(EmailView view, String blobId, long size, List<String> props,
      List<String> bodyProps, BodyValues values) {
    Map<String, Object> o = new LinkedHashMap<>();
    for (String p : props) {
      switch (p) {
        case "id", "mailboxIds", "keywords", "receivedAt", "threadId" -> o.put(p, null);
        case "blobId" -> o.put(p, blobId);
        case "size" -> o.put(p, size);
        default -> viewProperty(o, view, p, bodyProps, values);
      }
    }
    return o;
  }

  /** The properties, body properties and body values Email/get and Email/parse are asked for. */
  record Wanted(List<String> props, List<String> bodyProps, BodyValues values) {}

  static Wanted wanted(Args a, List<String> defaults) throws MethodError {
    List<String> props = a.strings("properties");
    props = props == null ? defaults : props;
    for (String p : props) {
      if (!INDEX_PROPERTIES.contains(p) && !DEFAULT_PROPERTIES.contains(p) && !OTHER_PROPERTIES.contains(p)
          && HeaderForms.parseProperty(p) == null) {
        throw MethodError.invalidArguments("unknown Email property " + p);
      }
    }
    List<String> bodyProps = a.strings("bodyProperties");
    bodyProps = bodyProps == null ? EmailView.BODY_PROPERTIES : bodyProps;
    for (String p : bodyProps) {
      if (!EmailView.BODY_PROPERTIES.contains(p) && !p.equals("headers") && !p.equals("subParts")
          && HeaderForms.parseProperty(p) == null) {
        throw MethodError.invalidArguments("unknown EmailBodyPart property " + p);
      }
    }
    BodyValues values = new BodyValues(a.bool("fetchTextBodyValues", false), a.bool("fetchHTMLBodyValues", false),
        a.bool("fetchAllBodyValues", false), a.number("maxBodyValueBytes", 0, 0, Integer.MAX_VALUE));
    return new Wanted(props, bodyProps, values);
  }

  private static List<Object> parts(EmailView v, List<EmailView.Part> parts, List<String> bodyProps) {
    List<Object> out = new ArrayList<>();
    for (EmailView.Part p : parts) {
      out.add(v.partObject(p, bodyProps, false));
    }
    return out;
  }

  private static Map<String, Object> bodyValues(EmailView v, BodyValues want) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<EmailView.Part> parts = new ArrayList<>();
    if (want.text() || want.all()) {
      parts.addAll(v.textBody);
    }
    if (want.html() || want.all()) {
      parts.addAll(v.htmlBody);
    }
    if (want.all()) {
      parts.addAll(v.attachments);
    }
    for (EmailView.Part p : parts) {
      if (out.containsKey(p.partId()) || !p.mime().type().equals("text")) {
        continue;
      }
      EmailView.TextValue t = EmailView.text(p.mime());
      String value = EmailView.truncate(t.value(), want.maxBytes());
      Map<String, Object> bv = new LinkedHashMap<>();
      bv.put("value", value);
      bv.put("isEncodingProblem", t.problem());
      bv.put("isTruncated", value.length() != t.value().length());
      out.put(p.partId(), bv);
    }
    return out;
  }

  /** The parsed message, or empty when it is gone. */
  static Optional<EmailView> view(CallContext c, CallContext.Found f) throws MethodError {
    Optional<byte[]> bytes = read(c, f);
    return bytes.map(b -> new EmailView(b, f.ref()));
  }

  static Optional<byte[]> read(CallContext c, CallContext.Found f) throws MethodError {
    Optional<MessageContent> content = c.account.open(f.mailbox(), f.message());
    if (content.isEmpty()) {
      return Optional.empty();
    }
    try (MessageContent mc = content.get()) {
      return Optional.of(mc.readAllBytes());
    } catch (IOException e) {
      throw new MethodError("serverFail", "cannot read the message: " + e.getMessage());
    }
  }

  // ---- changes

  static Map<String, Object> changes(CallContext c, Args a) throws MethodError {
    return changes(c, a, Ids::email);
  }

  /**
   * Thread/changes: the threads of Emails created or changed since (their email lists or the
   * keywords shown with them may have changed) as updated, and the threads of destroyed Emails when
   * they are known; a client fetching an updated thread that no longer exists gets it in notFound.
   */
  static Map<String, Object> threadChanges(CallContext c, Args a) throws MethodError {
    Map<String, Object> r = changes(c, a, Ids::email);
    LinkedHashSet<String> updated = new LinkedHashSet<>();
    for (String key : List.of("created", "updated", "destroyed")) {
      for (Object id : (List<?>) r.get(key)) {
        Optional<Ids.MessageRef> ref = Ids.email((String) id);
        if (ref.isEmpty()) {
          continue;
        }
        String known = c.threadCache.get(ref.get());
        if (known != null) {
          updated.add(known);
        } else {
          c.find(ref.get()).ifPresent(f -> updated.add(Threads.of(c, f.mailbox(), f.message())));
        }
      }
    }
    r.put("created", List.of());
    r.put("updated", new ArrayList<>(updated));
    r.put("destroyed", List.of());
    return r;
  }

  /**
   * What changed since a state (RFC 8620 §5.2), per mailbox from its MODSEQ: messages with a higher
   * MODSEQ are created (UID at or above the old UIDNEXT) or updated, and the expunge history (RFC 7162
   * §3.2.5, kept for QRESYNC) gives the destroyed ones. A mailbox deleted since, a new UIDVALIDITY or
   * expunges older than the history make the answer {@code cannotCalculateChanges}: the client then
   * fetches afresh.
   */
  private static Map<String, Object> changes(CallContext c, Args a, java.util.function.Function<Ids.MessageRef, String> id)
      throws MethodError {
    String since = a.requiredString("sinceState");
    long max = a.number("maxChanges", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    AccountState old = AccountState.parse(since)
        .orElseThrow(() -> new MethodError("cannotCalculateChanges", "not a state of this server: " + since));
    AccountState now = AccountState.of(c.account);
    Map<Long, AccountState.Entry> before = old.byId();
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    List<String> destroyed = new ArrayList<>();
    for (AccountState.Entry e : now.mailboxes()) {
      AccountState.Entry b = before.remove(e.id());
      if (b != null && b.uidValidity() != e.uidValidity()) {
        throw new MethodError("cannotCalculateChanges", "a mailbox was renumbered (new UIDVALIDITY)");
      }
      if (b != null && b.modseq() == e.modseq()) {
        continue;
      }
      MailboxInfo box = c.account.mailbox(e.id()).orElse(null);
      if (box == null) {
        throw new MethodError("cannotCalculateChanges", "a mailbox was deleted meanwhile");
      }
      long sinceModseq = b == null ? 0 : b.modseq();
      long oldUidNext = b == null ? 0 : b.uidNext();
      for (MessageRecord r : c.snapshot(e.id()).messages()) {
        if (r.modseq() > sinceModseq) {
          (r.uid() >= oldUidNext ? created : updated).add(id.apply(new Ids.MessageRef(e.id(), e.uidValidity(), r.uid())));
        }
      }
      if (b != null) {
        List<Long> gone = c.account.expungedSince(e.id(), sinceModseq)
            .orElseThrow(() -> new MethodError("cannotCalculateChanges", "the expunge history does not reach back that far"));
        for (long uid : gone) {
          if (uid < oldUidNext) { // one created and destroyed since is news to no one
            destroyed.add(id.apply(new Ids.MessageRef(e.id(), e.uidValidity(), uid)));
          }
        }
      }
    }
    if (!before.isEmpty()) {
      throw new MethodError("cannotCalculateChanges", "a mailbox was deleted since");
    }
    if (created.size() + updated.size() + destroyed.size() > max) {
      throw new MethodError("cannotCalculateChanges", "more than maxChanges changes; fetch afresh");
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("oldState", since);
    r.put("newState", now.encode());
    r.put("hasMoreChanges", false);
    r.put("created", created);
    r.put("updated", updated);
    r.put("destroyed", destroyed);
    return r;
  }

  // ---- threads

  static Map<String, Object> threads(CallContext c, Args a) throws MethodError {
    List<String> ids = a.strings("ids");
    if (ids == null) {
      throw new MethodError("requestTooLarge", "ask for Threads by id");
    }
    if (ids.size() > c.limits.maxObjectsInGet()) {
      throw new MethodError("requestTooLarge", "more than " + c.limits.maxObjectsInGet() + " ids");
    }
    String state = c.state();
    java.util.Set<String> wanted = new java.util.HashSet<>(ids);
    Map<String, List<CallContext.Found>> members = new java.util.HashMap<>();
    for (MailboxInfo m : c.mailboxes()) {
      for (MessageRecord r : c.snapshot(m.id()).messages()) {
        String t = Threads.of(c, m, r);
        if (wanted.contains(t)) {
          members.computeIfAbsent(t, k -> new ArrayList<>()).add(CallContext.Found.of(m, r));
        }
      }
    }
    List<Object> list = new ArrayList<>();
    List<Object> notFound = new ArrayList<>();
    for (String tid : new LinkedHashSet<>(ids)) {
      List<CallContext.Found> in = members.get(tid);
      if (in == null) {
        notFound.add(tid);
        continue;
      }
      // RFC 8621 §3: sorted by receivedAt, oldest first
      in.sort(java.util.Comparator.comparingLong((CallContext.Found f) -> f.message().internalDate())
          .thenComparing(CallContext.Found::id));
      list.add(Map.of("id", tid, "emailIds", in.stream().map(CallContext.Found::id).toList()));
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("state", state);
    r.put("list", list);
    r.put("notFound", notFound);
    return r;
  }
}
