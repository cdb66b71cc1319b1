package dev.postamt.jmap;

import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Email/query} (RFC 8621 §4.4, RFC 8620 §5.5): filter conditions and operators over every
 * mailbox (or those named), sorting, and the window (position or anchor, limit). A condition on the
 * header or body reads the message; those on the index ({@code inMailbox}, dates, size, keywords) do
 * not. {@code collapseThreads} keeps the first Email of each Thread ({@link Threads}); the thread keyword
 * conditions are those of the Email itself.
 */
final class EmailQuery {
  private EmailQuery() {}

  static final List<String> SORTS = List.of("receivedAt", "size", "from", "to", "subject", "sentAt", "hasKeyword");
  /** The most ids one query answers; a client pages beyond with position or anchor. */
  static final int MAX_LIMIT = 5000;

  /** One Email while it is considered, its message parsed on first need. */
  private static final class Candidate {
    final CallContext.Found found;
    private EmailView view;
    private boolean read;

    Candidate(CallContext.Found found) {
      this.found = found;
    }

    EmailView view(CallContext c) throws MethodError {
      if (!read) {
        read = true;
        view = EmailMethods.view(c, found).orElse(null);
      }
      return view;
    }

    String header(CallContext c, String property) throws MethodError {
      EmailView v = view(c);
      if (v == null) {
        return "";
      }
      Object value = HeaderForms.value(v.root, HeaderForms.parseProperty(property));
      return value == null ? "" : value.toString();
    }
  }

  static Map<String, Object> query(CallContext c, Args a) throws MethodError {
    Map<String, Object> filter = a.object("filter");
    List<Map<String, Object>> sort = a.objects("sort");
    boolean collapse = a.bool("collapseThreads", false);
    Comparator<Candidate> order = comparator(c, sort);
    List<Candidate> hits = new ArrayList<>();
    String state = c.state();
    for (MailboxInfo m : c.mailboxes()) {
      for (MessageRecord r : c.snapshot(m.id()).messages()) {
        Candidate cand = new Candidate(CallContext.Found.of(m, r));
        if (filter == null || matches(c, cand, filter, 0)) {
          hits.add(cand);
        }
      }
    }
    try {
      hits.sort(order);
    } catch (Sorting e) {
      throw e.error;
    }
    if (collapse) { // RFC 8621 §4.4.3: only the first Email of each Thread in the sorted results
      java.util.Set<String> seen = new java.util.HashSet<>();
      hits.removeIf(h -> !seen.add(Threads.of(c, h.found.mailbox(), h.found.message())));
    }
    return window(c, a, hits.stream().map(h -> h.found.id()).toList(), state);
  }

  /** The window of a query result (RFC 8620 §5.5): position or anchor, limit, total. */
  static Map<String, Object> window(CallContext c, Args a, List<String> ids, String state) throws MethodError {
    long position = a.number("position", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
    long limit = a.number("limit", MAX_LIMIT, 0, Long.MAX_VALUE);
    String anchor = a.string("anchor");
    int start;
    if (anchor != null) {
      int at = ids.indexOf(anchor);
      if (at < 0) {
        throw new MethodError("anchorNotFound", "the anchor is not in the results");
      }
      start = (int) Math.max(0, at + a.number("anchorOffset", 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
    } else {
      start = (int) (position < 0 ? Math.max(0, ids.size() + position) : Math.min(position, ids.size()));
    }
    start = Math.min(start, ids.size());
    long capped = Math.min(limit, MAX_LIMIT);
    int end = (int) Math.min(ids.size(), start + capped);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("accountId", c.accountId);
    r.put("queryState", state);
    r.put("canCalculateChanges", false);
    r.put("position", (long) start);
    r.put("ids", ids.subList(start, end));
    if (a.bool("calculateTotal", false)) {
      r.put("total", (long) ids.size());
    }
    if (capped < limit) {
      r.put("limit", capped);
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  private static boolean matches(CallContext c, Candidate e, Map<String, Object> f, int depth) throws MethodError {
    if (depth > 16) {
      throw new MethodError("unsupportedFilter", "filter nested too deeply");
    }
    if (f.containsKey("operator")) {
      if (!(f.get("conditions") instanceof List<?> conds) || f.size() != 2) {
        throw new MethodError("unsupportedFilter", "a FilterOperator has operator and conditions only");
      }
      String op = String.valueOf(f.get("operator"));
      for (Object o : conds) {
        if (!(o instanceof Map<?, ?>)) {
          throw new MethodError("unsupportedFilter", "conditions must be objects");
        }
        boolean m = matches(c, e, (Map<String, Object>) o, depth + 1);
        switch (op) {
          case "AND" -> { if (!m) return false; }
          case "OR" -> { if (m) return true; }
          case "NOT" -> { if (m) return false; }
          default -> throw new MethodError("unsupportedFilter", "unknown operator " + op);
        }
      }
      return !op.equals("OR");
    }
    MessageRecord r = e.found.message();
    for (Map.Entry<String, Object> cond : f.entrySet()) {
      Object v = cond.getValue();
      boolean ok = switch (cond.getKey()) {
        case "inMailbox" -> Ids.mailbox(string(cond)) == e.found.mailbox().id();
        case "inMailboxOtherThan" -> !(v instanceof List<?> l) ? bad(cond) : !l.contains(Ids.mailbox(e.found.mailbox().id()));
        case "before" -> r.internalDate() < date(cond).toEpochMilli();
        case "after" -> r.internalDate() >= date(cond).toEpochMilli();
        case "minSize" -> r.size() >= number(cond);
        case "maxSize" -> r.size() < number(cond);
        case "hasKeyword", "allInThreadHaveKeyword", "someInThreadHaveKeyword" -> hasKeyword(r, string(cond));
        case "notKeyword", "noneInThreadHaveKeyword" -> !hasKeyword(r, string(cond));
        case "hasAttachment" -> !(v instanceof Boolean b) ? bad(cond) : e.view(c) != null && b == !e.view(c).attachments.isEmpty();
        case "from" -> contains(e.header(c, "header:From:asAddresses"), string(cond));
        case "to" -> contains(e.header(c, "header:To:asAddresses"), string(cond));
        case "cc" -> contains(e.header(c, "header:Cc:asAddresses"), string(cond));
        case "bcc" -> contains(e.header(c, "header:Bcc:asAddresses"), string(cond));
        case "subject" -> contains(e.header(c, "header:Subject:asText"), string(cond));
        case "body" -> contains(body(c, e), string(cond));
        case "text" -> {
          String t = string(cond);
          yield contains(e.header(c, "header:From:asAddresses"), t) || contains(e.header(c, "header:To:asAddresses"), t)
              || contains(e.header(c, "header:Cc:asAddresses"), t) || contains(e.header(c, "header:Bcc:asAddresses"), t)
              || contains(e.header(c, "header:Subject:asText"), t) || contains(body(c, e), t);
        }
        case "header" -> {
          if (!(v instanceof List<?> l) || l.isEmpty() || l.size() > 2 || !(l.getFirst() instanceof String name)
              || HeaderForms.parseProperty("header:" + name) == null) {
            yield bad(cond);
          }
          EmailView view = e.view(c);
          Object all = view == null ? null : HeaderForms.value(view.root, HeaderForms.parseProperty("header:" + name + ":asText:all"));
          List<?> values = all instanceof List<?> x ? x : List.of();
          yield l.size() == 1 ? !values.isEmpty() : values.stream().anyMatch(x -> contains(String.valueOf(x), String.valueOf(l.get(1))));
        }
        default -> throw new MethodError("unsupportedFilter", "cannot filter Emails by " + cond.getKey());
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean bad(Map.Entry<String, Object> cond) throws MethodError {
    throw new MethodError("unsupportedFilter", "bad value for " + cond.getKey());
  }

  private static String string(Map.Entry<String, Object> cond) throws MethodError {
    if (!(cond.getValue() instanceof String s)) {
      throw new MethodError("unsupportedFilter", cond.getKey() + " must be a string");
    }
    return s;
  }

  private static long number(Map.Entry<String, Object> cond) throws MethodError {
    if (!(cond.getValue() instanceof Long l)) {
      throw new MethodError("unsupportedFilter", cond.getKey() + " must be a number");
    }
    return l;
  }

  /** A UTCDate (RFC 8620 §1.4); an offset other than Z is accepted too. */
  static Instant date(Map.Entry<String, Object> cond) throws MethodError {
    try {
      return OffsetDateTime.parse(string(cond)).toInstant();
    } catch (DateTimeParseException e) {
      throw new MethodError("unsupportedFilter", cond.getKey() + " must be a date like 2024-05-01T00:00:00Z");
    }
  }

  private static boolean hasKeyword(MessageRecord r, String keyword) {
    return r.has(Keywords.flag(keyword));
  }

  /** Case-insensitive substring match (the i;unicode-casemap collation, approximately). */
  private static boolean contains(String haystack, String needle) {
    return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
  }

  private static String body(CallContext c, Candidate e) throws MethodError {
    EmailView v = e.view(c);
    if (v == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (EmailView.Part p : v.textBody) {
      if (p.mime().type().equals("text")) {
        b.append(EmailView.text(p.mime()).value()).append('\n');
      }
    }
    return b.toString();
  }

  /** Carries a MethodError out of a Comparator. */
  private static final class Sorting extends RuntimeException {
    final MethodError error;

    Sorting(MethodError error) {
      super(null, null, false, false);
      this.error = error;
    }
  }

  private static Comparator<Candidate> comparator(CallContext c, List<Map<String, Object>> sort) throws MethodError {
    if (sort == null || sort.isEmpty()) { // newest first, as mail clients list
      return Comparator.comparingLong((Candidate x) -> x.found.message().internalDate()).reversed()
          .thenComparing(x -> x.found.id());
    }
    Comparator<Candidate> order = null;
    for (Map<String, Object> s : sort) {
      String property = String.valueOf(s.get("property"));
      Comparator<Candidate> k = switch (property) {
        case "receivedAt" -> Comparator.comparingLong(x -> x.found.message().internalDate());
        case "size" -> Comparator.comparingLong(x -> x.found.message().size());
        case "from", "to", "subject", "sentAt" -> {
          String header = switch (property) {
            case "from" -> "header:From:asAddresses";
            case "to" -> "header:To:asAddresses";
            case "subject" -> "header:Subject:asText";
            default -> "header:Date:asDate";
          };
          yield Comparator.comparing((Candidate x) -> key(c, x, header, property));
        }
        case "hasKeyword" -> {
          if (!(s.get("keyword") instanceof String kw)) {
            throw new MethodError("unsupportedSort", "hasKeyword needs a keyword");
          }
          yield Comparator.comparing((Candidate x) -> hasKeyword(x.found.message(), kw));
        }
        default -> throw new MethodError("unsupportedSort", "cannot sort Emails by " + property);
      };
      if (Boolean.FALSE.equals(s.get("isAscending"))) {
        k = k.reversed();
      }
      order = order == null ? k : order.thenComparing(k);
    }
    return order.thenComparing(x -> x.found.id());
  }

  /** The sort key from a header: the first address's email or name, the subject, or the date. */
  private static String key(CallContext c, Candidate x, String header, String property) {
    try {
      EmailView v = x.view(c);
      if (v == null) {
        return "";
      }
      Object value = HeaderForms.value(v.root, HeaderForms.parseProperty(header));
      if (value instanceof List<?> l) {
        Optional<?> first = l.stream().findFirst();
        return first.map(o -> o instanceof Map<?, ?> m ? String.valueOf(m.get("email")) : String.valueOf(o))
            .orElse("").toLowerCase(Locale.ROOT);
      }
      if (property.equals("sentAt")) {
        return value == null ? "" : OffsetDateTime.parse((String) value).toInstant().toString();
      }
      return value == null ? "" : value.toString().toLowerCase(Locale.ROOT);
    } catch (MethodError e) {
      throw new Sorting(e);
    }
  }
}
