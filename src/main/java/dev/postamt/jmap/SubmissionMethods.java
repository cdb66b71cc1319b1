package dev.postamt.jmap;

import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderSection;
import dev.postamt.smtp.LocalSubmission;
import dev.postamt.smtp.SmtpException;
import dev.postamt.smtp.SmtpReply;
import dev.postamt.smtp.SmtpServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code EmailSubmission/get}, {@code /set}, {@code /query} and {@code /changes} (RFC 8621 §7). Sending
 * takes the path of the submission port ({@link LocalSubmission}): the same sender rule, limits,
 * checks and DKIM signing, then the queue. Before that, every From address must be one the user may
 * send as ({@code forbiddenFrom}), as must the envelope sender ({@code forbiddenMailFrom}); without an
 * envelope it is made as §7 says (Sender or From; To, Cc and Bcc). The Bcc field is removed from what
 * is sent (RFC 5322 §3.6.3). There is no delayed sending: {@code undoStatus} is {@code final} at once
 * ({@code maxDelayedSend} 0), so an update to {@code canceled} is {@code cannotUnsend}. Submissions are
 * kept in {@code jmap.db} until destroyed.
 */
final class SubmissionMethods {
  static final String TYPE = "EmailSubmission";
  private static final SecureRandom RANDOM = new SecureRandom();

  private SubmissionMethods() {}

  static String state(CallContext c) throws MethodError {
    return "s" + IdentityMethods.services(c).records.state(c.user, TYPE);
  }

  static Map<String, Object> get(CallContext c, Args a) throws MethodError {
    JmapServices s = IdentityMethods.services(c);
    List<String> ids = a.strings("ids");
    List<String> props = a.strings("properties");
    String state = state(c);
    List<JmapRecords.Stored> all = s.records.list(c.user, TYPE);
    List<Object> list = new ArrayList<>();
    List<Object> notFound = new ArrayList<>();
    if (ids == null) {
      all.forEach(st -> list.add(IdentityMethods.select(st.json(), props)));
    } else {
      for (String id : new LinkedHashSet<>(ids)) {
        all.stream().filter(st -> st.id().equals(id)).findFirst()
            .ifPresentOrElse(st -> list.add(IdentityMethods.select(st.json(), props)), () -> notFound.add(id));
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("state", state);
    r.put("list", list);
    r.put("notFound", notFound);
    return r;
  }

  static Map<String, Object> changes(CallContext c, Args a) throws MethodError {
    return IdentityMethods.changes(c, a, TYPE, "s");
  }

  /** RFC 8621 §7.3: filters identityIds, emailIds, threadIds, undoStatus, before, after; sorts emailId, threadId, sentAt. */
  static Map<String, Object> query(CallContext c, Args a) throws MethodError {
    JmapServices s = IdentityMethods.services(c);
    Map<String, Object> filter = a.object("filter");
    List<Map<String, Object>> sort = a.objects("sort");
    String state = state(c);
    List<Map<String, Object>> hits = new ArrayList<>();
    for (JmapRecords.Stored st : s.records.list(c.user, TYPE)) {
      if (filter == null || matches(st.json(), filter)) {
        hits.add(st.json());
      }
    }
    Comparator<Map<String, Object>> order = Comparator.comparing(m -> String.valueOf(m.get("sendAt")));
    if (sort != null && !sort.isEmpty()) {
      Map<String, Object> first = sort.getFirst();
      String property = String.valueOf(first.get("property"));
      String key = switch (property) {
        case "emailId", "threadId" -> property;
        case "sentAt" -> "sendAt";
        default -> throw new MethodError("unsupportedSort", "cannot sort by " + property);
      };
      order = Comparator.comparing(m -> String.valueOf(m.get(key)));
      if (Boolean.FALSE.equals(first.get("isAscending"))) {
        order = order.reversed();
      }
    }
    hits.sort(order.thenComparing(m -> String.valueOf(m.get("id"))));
    Map<String, Object> r = EmailQuery.window(c, a, hits.stream().map(m -> String.valueOf(m.get("id"))).toList(), state);
    r.put("queryState", state);
    return r;
  }

  private static boolean matches(Map<String, Object> sub, Map<String, Object> f) throws MethodError {
    if (f.containsKey("operator")) {
      throw new MethodError("unsupportedFilter", "EmailSubmission/query takes a FilterCondition only");
    }
    for (Map.Entry<String, Object> e : f.entrySet()) {
      Object v = e.getValue();
      boolean ok = switch (e.getKey()) {
        case "identityIds" -> v instanceof List<?> l && l.contains(sub.get("identityId"));
        case "emailIds" -> v instanceof List<?> l && l.contains(sub.get("emailId"));
        case "threadIds" -> v instanceof List<?> l && l.contains(sub.get("threadId"));
        case "undoStatus" -> String.valueOf(v).equals(sub.get("undoStatus"));
        case "before" -> String.valueOf(sub.get("sendAt")).compareTo(String.valueOf(v)) < 0;
        case "after" -> String.valueOf(sub.get("sendAt")).compareTo(String.valueOf(v)) >= 0;
        default -> throw new MethodError("unsupportedFilter", "no EmailSubmission filter " + e.getKey());
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static Map<String, Object> set(CallContext c, Args a) throws MethodError {
    JmapServices s = IdentityMethods.services(c);
    SetRequest req = SetRequest.of(a, state(c));
    Map<String, Object> create = req.create;
    Map<String, Object> update = req.update;
    List<String> destroy = req.destroy;
    String oldState = req.oldState;
    Map<String, Object> created = new LinkedHashMap<>();
    Map<String, Object> notCreated = new LinkedHashMap<>();
    Map<String, String> emailOf = new LinkedHashMap<>(); // creation id → the Email it sent
    if (create != null) {
      for (Map.Entry<String, Object> e : create.entrySet()) {
        try {
          if (!(e.getValue() instanceof Map<?, ?> obj)) {
            throw new SetError("invalidProperties", "an EmailSubmission is an object");
          }
          Map<String, Object> sub = send(c, s, obj);
          s.records.put(c.user, TYPE, (String) sub.get("id"), sub);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("id", sub.get("id"));
          out.put("threadId", sub.get("threadId"));
          out.put("sendAt", sub.get("sendAt"));
          out.put("undoStatus", sub.get("undoStatus"));
          created.put(e.getKey(), out);
          emailOf.put(e.getKey(), (String) sub.get("emailId"));
        } catch (SetError f) {
          notCreated.put(e.getKey(), f.error);
        }
      }
    }
    List<String> updated = new ArrayList<>();
    Map<String, Object> notUpdated = new LinkedHashMap<>();
    if (update != null) {
      for (Map.Entry<String, Object> e : update.entrySet()) {
        Optional<JmapRecords.Stored> st = s.records.get(c.user, TYPE, e.getKey());
        if (st.isEmpty()) {
          notUpdated.put(e.getKey(), SetError.of("notFound", null));
        } else if (e.getValue() instanceof Map<?, ?> patch && patch.size() == 1 && "final".equals(patch.get("undoStatus"))) {
          updated.add(e.getKey());
        } else {
          notUpdated.put(e.getKey(), SetError.of("cannotUnsend", "the message was sent at once (no delayed sending)"));
        }
      }
    }
    List<String> destroyed = new ArrayList<>();
    Map<String, Object> notDestroyed = new LinkedHashMap<>();
    if (destroy != null) {
      for (String id : destroy) {
        if (s.records.destroy(c.user, TYPE, id)) {
          destroyed.add(id);
        } else {
          notDestroyed.put(id, SetError.of("notFound", null));
        }
      }
    }
    Map<String, Object> r = SetError.response(c.accountId, oldState, state(c), created, updated, Map.of(), destroyed,
        notCreated, notUpdated, notDestroyed);
    onSuccess(c, a, emailOf);
    return r;
  }

  /**
   * RFC 8621 §7.5: after a successful create, {@code onSuccessUpdateEmail} and {@code
   * onSuccessDestroyEmail} (keys {@code #creationId} of a submission, or submission ids) act on the
   * Email that was sent, as an implicit {@code Email/set} whose response follows.
   */
  private static void onSuccess(CallContext c, Args a, Map<String, String> emailOf) throws MethodError {
    Map<String, Object> onUpdate = a.object("onSuccessUpdateEmail");
    List<String> onDestroy = a.strings("onSuccessDestroyEmail");
    Map<String, Object> update = new LinkedHashMap<>();
    List<String> destroy = new ArrayList<>();
    if (onUpdate != null) {
      for (Map.Entry<String, Object> e : onUpdate.entrySet()) {
        String email = emailFor(c, e.getKey(), emailOf);
        if (email != null) {
          update.put(email, e.getValue());
        }
      }
    }
    if (onDestroy != null) {
      for (String k : onDestroy) {
        String email = emailFor(c, k, emailOf);
        if (email != null) {
          destroy.add(email);
        }
      }
    }
    if (update.isEmpty() && destroy.isEmpty()) {
      return;
    }
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("accountId", c.accountId);
    args.put("update", update.isEmpty() ? null : update);
    args.put("destroy", destroy.isEmpty() ? null : destroy);
    c.implicit.add(Map.entry("Email/set", EmailSet.set(c, new Args(args))));
  }

  private static String emailFor(CallContext c, String key, Map<String, String> emailOf) {
    if (key.startsWith("#")) {
      return emailOf.get(key.substring(1));
    }
    return c.services == null ? null : c.services.records.get(c.user, TYPE, key)
        .map(st -> (String) st.json().get("emailId")).orElse(null);
  }

  /** Sends one submission; returns the stored EmailSubmission object. */
  private static Map<String, Object> send(CallContext c, JmapServices s, Map<?, ?> obj) throws SetError {
    if (!(obj.get("identityId") instanceof String identityId)) {
      throw SetError.invalid("identityId", "identityId is required");
    }
    if (!(obj.get("emailId") instanceof String emailRef)) {
      throw SetError.invalid("emailId", "emailId is required");
    }
    Map<String, Object> identity;
    try {
      identity = IdentityMethods.all(c).stream().filter(i -> identityId.equals(i.get("id"))).findFirst()
          .orElseThrow(() -> SetError.invalid("identityId", "no Identity " + identityId));
    } catch (MethodError e) {
      throw new SetError("serverFail", e.getMessage());
    }
    String emailId = c.resolve(emailRef);
    CallContext.Found f = Ids.email(emailId).flatMap(c::find)
        .orElseThrow(() -> SetError.invalid("emailId", "no Email " + emailRef));
    byte[] message;
    try {
      message = EmailMethods.read(c, f).orElseThrow(() -> SetError.invalid("emailId", "the Email went away"));
    } catch (MethodError e) {
      throw new SetError("serverFail", e.getMessage());
    }
    HeaderSection h = HeaderSection.parse(message);
    List<String> from = addresses(h, "From");
    if (from.isEmpty()) {
      throw new SetError("invalidEmail", "the Email has no From address");
    }
    for (String a : from) {
      if (!s.router.mayUseSender(c.user, a)) {
        throw new SetError("forbiddenFrom", "this user may not send as " + a);
      }
    }
    String mailFrom;
    List<String> rcptTo = new ArrayList<>();
    if (obj.get("envelope") instanceof Map<?, ?> env) {
      if (!(env.get("mailFrom") instanceof Map<?, ?> mf) || !(mf.get("email") instanceof String mfe)
          || !(env.get("rcptTo") instanceof List<?> rl)) {
        throw SetError.invalid("envelope", "an envelope has mailFrom {email} and rcptTo [{email}]");
      }
      mailFrom = mfe;
      for (Object o : rl) {
        if (!(o instanceof Map<?, ?> rm) || !(rm.get("email") instanceof String re)) {
          throw SetError.invalid("envelope", "each rcptTo is {email}");
        }
        rcptTo.add(re);
      }
    } else if (obj.get("envelope") != null) {
      throw SetError.invalid("envelope", "envelope must be an object or null");
    } else {
      List<String> sender = addresses(h, "Sender");
      mailFrom = sender.isEmpty() ? from.getFirst() : sender.getFirst();
      Set<String> all = new LinkedHashSet<>();
      for (String field : List.of("To", "Cc", "Bcc")) {
        all.addAll(addresses(h, field));
      }
      rcptTo.addAll(all);
    }
    if (rcptTo.isEmpty()) {
      throw new SetError("noRecipients", "the Email has no recipients");
    }
    if (!mailFrom.isEmpty() && !s.router.mayUseSender(c.user, mailFrom)) {
      throw new SetError("forbiddenMailFrom", "this user may not use " + mailFrom + " as the envelope sender");
    }
    SmtpServer server = s.submission.get();
    if (server == null) {
      throw new SetError("forbiddenToSend", "sending is not set up on this server");
    }
    String queueId;
    try {
      queueId = LocalSubmission.submit(server, c.user, mailFrom, rcptTo, withoutBcc(message));
    } catch (SmtpException e) {
      throw refusal(e.reply(), c);
    }
    byte[] r = new byte[10];
    RANDOM.nextBytes(r);
    Map<String, Object> sub = new LinkedHashMap<>();
    sub.put("id", "S" + HexFormat.of().formatHex(r));
    sub.put("identityId", identity.get("id"));
    sub.put("emailId", emailId);
    sub.put("threadId", Threads.of(c, f.mailbox(), f.message()));
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("mailFrom", Map.of("email", mailFrom, "parameters", Map.of()));
    envelope.put("rcptTo", rcptTo.stream().map(t -> (Object) Map.of("email", t, "parameters", Map.of())).toList());
    sub.put("envelope", envelope);
    sub.put("sendAt", HeaderForms.utc(Instant.now().toEpochMilli()));
    sub.put("undoStatus", "final");
    Map<String, Object> status = new LinkedHashMap<>();
    for (String t : rcptTo) {
      status.put(t, Map.of("smtpReply", "250 2.0.0 Ok: queued as " + queueId, "delivered", "queued", "displayed", "unknown"));
    }
    sub.put("deliveryStatus", status);
    sub.put("dsnBlobIds", List.of());
    sub.put("mdnBlobIds", List.of());
    return sub;
  }

  /** The SetError for what the submission path refused (RFC 8621 §7.5). */
  private static SetError refusal(SmtpReply reply, CallContext c) {
    String text = reply.code() + (reply.enhanced() == null ? "" : " " + reply.enhanced()) + " " + String.join(" ", reply.lines());
    String enhanced = reply.enhanced() == null ? "" : reply.enhanced();
    if (reply.code() == 552 || enhanced.equals("5.3.4")) {
      SetError e = new SetError("tooLarge", text);
      e.error.put("maxSize", c.limits.maxSizeUpload());
      return e;
    }
    if (enhanced.startsWith("5.1.") || enhanced.startsWith("4.1.") || enhanced.startsWith("5.2.")) {
      return new SetError("invalidRecipients", text);
    }
    if (enhanced.equals("5.7.1") && text.contains("Sender address")) {
      return new SetError("forbiddenMailFrom", text);
    }
    return new SetError(reply.code() >= 500 ? "forbiddenToSend" : "serverFail", text);
  }

  /** The addresses of all fields {@code name}, lower-cased domain as given, groups flattened. */
  static List<String> addresses(HeaderSection h, String name) {
    List<String> out = new ArrayList<>();
    for (HeaderSection.Field f : h.all(name)) {
      for (Address a : Address.parseList(dev.postamt.mime.HeaderText.unfold(f.value()))) {
        if (!a.isGroupStart() && !a.isGroupEnd() && a.email() != null) {
          out.add(a.email());
        }
      }
    }
    return out;
  }

  /** The message without its Bcc fields (RFC 5322 §3.6.3: the recipients must not see them). */
  static byte[] withoutBcc(byte[] message) {
    String text = new String(message, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return message;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(message.length);
    boolean dropping = false;
    int i = 0;
    while (i < end + 2) {
      int eol = text.indexOf("\r\n", i);
      String line = text.substring(i, eol + 2);
      boolean continuation = line.startsWith(" ") || line.startsWith("\t");
      if (!continuation) {
        dropping = line.toLowerCase(Locale.ROOT).startsWith("bcc:");
      }
      if (!dropping) {
        out.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
      }
      i = eol + 2;
    }
    out.write(message, end + 2, message.length - end - 2);
    return out.toByteArray();
  }
}
