package dev.postamt.jmap;

import dev.postamt.mime.HeaderSection;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Threads (RFC 8621 §3) by Message-ID linkage only, as §3 allows: a message belongs to the thread of
 * any message it names in References or In-Reply-To, or that names it. The first time a message is
 * seen, its Message-ID and every id it names are recorded for its thread in {@code jmap.db} ({@link
 * JmapRecords#joinThread}), so a reply that names only its parent finds the thread of the root.
 * A new thread's id is made from the first id the message names (the root of its References) or its
 * own Message-ID: {@code t} and 20 hex digits of SHA-256. Neither depends on where the message is, so
 * a moved message keeps its thread. A message without any Message-ID gets a thread of its own, its id
 * made from its Date, From and Subject fields (also the same wherever it is moved).
 *
 * <p>Which thread a stored message is in is kept per account in memory ({@link Cache}); a message's
 * thread never changes, so nothing there goes stale except for messages that are gone.
 */
final class Threads {
  private static final Pattern MSG_ID = Pattern.compile("<([^<>\\s]+)>");
  private static final int MAX_CACHED = 200_000;

  private Threads() {}

  /** Thread ids of stored messages per user, by mailbox, UIDVALIDITY and UID. */
  static final class Cache {
    private final Map<String, Map<Ids.MessageRef, String>> byUser = new ConcurrentHashMap<>();

    Map<Ids.MessageRef, String> of(String user) {
      Map<Ids.MessageRef, String> m = byUser.computeIfAbsent(user.toLowerCase(Locale.ROOT), k -> new ConcurrentHashMap<>());
      if (m.size() > MAX_CACHED) {
        m.clear();
      }
      return m;
    }
  }

  /** The thread of a message whose bytes are at hand (just created, imported or copied). */
  static String of(CallContext c, Ids.MessageRef ref, byte[] message) {
    String id;
    try {
      id = assign(c, HeaderSection.read(new ByteArrayInputStream(message)));
    } catch (IOException e) {
      id = "t" + ref.suffix();
    }
    c.threadCache.put(ref, id);
    return id;
  }

  /** The thread of a stored message; reads its header section the first time. */
  static String of(CallContext c, MailboxInfo box, MessageRecord m) {
    Ids.MessageRef ref = new Ids.MessageRef(box.id(), box.uidValidity(), m.uid());
    String known = c.threadCache.get(ref);
    if (known != null) {
      return known;
    }
    String id;
    Optional<MessageContent> content = c.account.open(box, m);
    if (content.isEmpty()) {
      return "t" + ref.suffix(); // gone meanwhile: a thread of its own, not remembered
    }
    try (MessageContent mc = content.get(); InputStream in = new BufferedInputStream(mc.stream(), 8192)) {
      id = assign(c, HeaderSection.read(in));
    } catch (IOException e) {
      return "t" + ref.suffix();
    }
    c.threadCache.put(ref, id);
    return id;
  }

  /** The stored thread of any id the message carries or names, else a new one recorded for all of them. */
  private static String assign(CallContext c, HeaderSection h) {
    List<String> named = new ArrayList<>();
    for (String field : List.of("References", "In-Reply-To")) {
      for (HeaderSection.Field f : h.all(field)) {
        Matcher m = MSG_ID.matcher(f.value());
        while (m.find()) {
          named.add(m.group(1));
        }
      }
    }
    String own = null;
    for (HeaderSection.Field f : h.all("Message-ID")) {
      Matcher m = MSG_ID.matcher(f.value());
      if (m.find()) {
        own = m.group(1);
        break;
      }
    }
    LinkedHashSet<String> all = new LinkedHashSet<>(named);
    if (own != null) {
      all.add(own);
    }
    if (all.isEmpty()) {
      StringBuilder b = new StringBuilder();
      for (String field : List.of("Date", "From", "Subject")) {
        h.all(field).forEach(f -> b.append(f.value()).append('\0'));
      }
      return "t" + hash("no-message-id\0" + b);
    }
    List<String> ids = new ArrayList<>(all);
    JmapRecords records = c.services == null ? null : c.services.records;
    if (records != null) {
      Map<String, String> known = records.threadsOf(c.user, ids);
      for (String id : ids) { // the root's thread first
        if (known.containsKey(id)) {
          String t = known.get(id);
          records.joinThread(c.user, ids, t);
          return t;
        }
      }
    }
    String t = "t" + hash(ids.getFirst());
    if (records != null) {
      records.joinThread(c.user, ids, t);
    }
    return t;
  }

  private static String hash(String s) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a string is a thread id this server could have made. */
  static boolean isThreadId(String id) {
    return id != null && id.length() <= 64 && id.matches("t[0-9a-z_]+");
  }
}
