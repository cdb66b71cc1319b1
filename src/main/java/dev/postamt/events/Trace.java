package dev.postamt.events;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The life of a message from its trail: finds what a queue id, a Message-ID (with or without angle
 * brackets) or an address (sender or recipient) names, follows the links (session → queue id at
 * {@code smtp.accepted}; queue id → the notice it caused at {@code delivery.notice}), and groups the rows
 * by message in time order. {@code postamt trace} and the console's Trail page both read this.
 */
public final class Trace {
  /** How many link-following rounds at most (a notice of a notice is as far as it goes). */
  private static final int ROUNDS = 4;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);

  /**
   * The events of one message (or of one session that left no message: refused at RCPT, say).
   *
   * @param queueId null for a session without a message
   * @param session the SMTP session it arrived in, when known
   */
  public record Message(String queueId, String session, List<TrailRecord> events) {
    /** The Message-ID, the sender and the recipients any row names. */
    public String messageId() {
      return events.stream().map(r -> r.key().messageId()).filter(m -> m != null).findFirst().orElse(null);
    }

    public String sender() {
      return events.stream().map(r -> r.key().sender()).filter(m -> m != null).findFirst().orElse(null);
    }

    public Set<String> recipients() {
      Set<String> out = new LinkedHashSet<>();
      events.forEach(r -> out.addAll(r.key().recipients()));
      return out;
    }

    /** Whether the sender or a recipient is in one of {@code domains} (lower case). */
    public boolean touches(Collection<String> domains) {
      if (sender() != null && domains.contains(TrailKey.domainOf(sender()))) {
        return true;
      }
      return recipients().stream().anyMatch(a -> domains.contains(TrailKey.domainOf(a)));
    }

    public Instant first() {
      return events.getFirst().time();
    }
  }

  private final TrailStore store;

  public Trace(TrailStore store) {
    this.store = store;
  }

  /** The messages {@code what} names, oldest first; empty when the trail knows nothing of it. */
  public List<Message> find(String what, Instant since) throws TrailStore.Failure {
    String w = what.strip();
    Set<TrailStore.Link> seeds = new LinkedHashSet<>(store.linksOfId(w, since));
    if (looksLikeAddress(w)) {
      seeds.addAll(store.linksOfAddress(w, since));
    }
    return follow(seeds, since);
  }

  /** The messages of the given links (as {@link TrailStore#recent} returns them), oldest first. */
  public List<Message> follow(Collection<TrailStore.Link> seeds, Instant since) throws TrailStore.Failure {
    Set<String> queueIds = new LinkedHashSet<>();
    Set<String> sessions = new LinkedHashSet<>();
    for (TrailStore.Link l : seeds) {
      if (l.queueId() != null) {
        queueIds.add(l.queueId());
      } else if (l.session() != null) {
        sessions.add(l.session());
      }
    }
    Set<String> sessionOnly = new LinkedHashSet<>(sessions);
    List<TrailRecord> rows = List.of();
    for (int round = 0; round < ROUNDS; round++) {
      rows = store.rows(queueIds, sessions, since);
      boolean grew = false;
      for (TrailRecord r : rows) {
        String q = r.key().queueId();
        if (q != null && queueIds.contains(q) && r.key().session() != null) {
          grew |= sessions.add(r.key().session());
        }
        String notice = r.event().equals(Event.DELIVERY_NOTICE.key()) ? r.fields().get("notice") : null;
        if (notice != null && q != null && queueIds.contains(q)) {
          grew |= queueIds.add(notice);
        }
      }
      if (!grew) {
        break;
      }
    }
    return group(rows, queueIds, sessionOnly);
  }

  private static List<Message> group(List<TrailRecord> rows, Set<String> queueIds, Set<String> sessionOnly) {
    // the queue id each session's rows belong to: a session may carry several messages
    Map<String, List<String>> queuesOfSession = new LinkedHashMap<>();
    Map<String, String> sessionOfQueue = new LinkedHashMap<>();
    for (TrailRecord r : rows) {
      TrailKey k = r.key();
      if (k.queueId() != null && queueIds.contains(k.queueId()) && k.session() != null) {
        sessionOfQueue.putIfAbsent(k.queueId(), k.session());
        List<String> qs = queuesOfSession.computeIfAbsent(k.session(), s -> new ArrayList<>());
        if (!qs.contains(k.queueId())) {
          qs.add(k.queueId());
        }
      }
    }
    Map<String, List<TrailRecord>> byQueue = new LinkedHashMap<>();
    Map<String, List<TrailRecord>> bySession = new LinkedHashMap<>();
    for (TrailRecord r : rows) {
      TrailKey k = r.key();
      if (k.queueId() != null) {
        if (queueIds.contains(k.queueId())) {
          byQueue.computeIfAbsent(k.queueId(), q -> new ArrayList<>()).add(r);
        }
        continue;
      }
      if (k.session() == null) {
        continue;
      }
      List<String> qs = queuesOfSession.get(k.session());
      if (qs != null) {
        qs.forEach(q -> byQueue.computeIfAbsent(q, x -> new ArrayList<>()).add(r));
      }
      if (qs == null || sessionOnly.contains(k.session())) {
        bySession.computeIfAbsent(k.session(), s -> new ArrayList<>()).add(r);
      }
    }
    List<Message> out = new ArrayList<>();
    byQueue.forEach((q, list) -> out.add(new Message(q, sessionOfQueue.get(q), sorted(list))));
    bySession.forEach((s, list) -> {
      if (queuesOfSession.get(s) == null) {
        out.add(new Message(null, s, sorted(list)));
      }
    });
    out.sort(java.util.Comparator.comparing(Message::first));
    return out;
  }

  private static List<TrailRecord> sorted(List<TrailRecord> list) {
    List<TrailRecord> s = new ArrayList<>(list);
    s.sort(java.util.Comparator.comparing(TrailRecord::time)); // stable: rows of one instant keep their order
    return s;
  }

  private static boolean looksLikeAddress(String w) {
    return w.indexOf('@') > 0 || (w.startsWith("<") && w.indexOf('@') > 1);
  }

  /** The heading of a message: {@code queue 4F2A… message-id <…> from <…> to <…>}. */
  public static String heading(Message m) {
    StringBuilder b = new StringBuilder();
    b.append(m.queueId() != null ? "queue " + m.queueId() : "session " + m.session() + " (no message accepted)");
    if (m.messageId() != null) {
      b.append("  message-id <").append(m.messageId()).append('>');
    }
    if (m.sender() != null) {
      b.append("  from <").append(m.sender()).append('>');
    }
    if (!m.recipients().isEmpty()) {
      b.append("  to <").append(String.join(">, <", m.recipients())).append('>');
    }
    return b.toString();
  }

  /** One event as a line: time, event name, then its key and fields as {@code name=value}. */
  public static String line(TrailRecord r, ZoneId zone) {
    String b = TIME.format(r.time().atZone(zone)) + " " + String.format(Locale.ROOT, "%-18s", r.event());
    return (b + " " + details(r)).stripTrailing();
  }

  /** An event's key (less the Message-ID, which the heading shows) and fields as {@code name=value} words. */
  public static String details(TrailRecord r) {
    Map<String, String> key = Events.keyFields(r.key());
    key.remove("message_id");
    List<String> words = new ArrayList<>();
    key.forEach((k, v) -> words.add(k + "=" + TrailRecord.quoted(v)));
    String fields = r.fieldText();
    if (!fields.isEmpty()) {
      words.add(fields);
    }
    return String.join(" ", words);
  }
}
