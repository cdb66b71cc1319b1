package dev.postamt.events;

import dev.postamt.metrics.Metrics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Where events go: each {@link #emit} writes (a) one log line through SLF4J, its text readable as
 * {@code smtp.accepted session=S… queue=… from=<…> to=<…> key=value …} and its key/values attached with
 * SLF4J 2's {@code addKeyValue} (logback's JSON encoder writes them as {@code kvpList}), (b) the counter
 * {@code postamt_events_total{event}}, and (c) a row of the trail of the server running on that data
 * directory, when one runs in this process ({@link TrailRecorder}).
 *
 * <p>Emitting never throws and never waits: the mail flow calls it inline.
 */
public final class Events {
  /** The component of every event log line ({@code Event:} in the text format). */
  private static final Logger log = LoggerFactory.getLogger("dev.postamt.events.Event");
  private static final Events PROCESS = new Events(null);
  private static final Map<Path, Events> BY_DATA_DIR = new ConcurrentHashMap<>();

  private final TrailRecorder trail;

  private Events(TrailRecorder trail) {
    this.trail = trail;
  }

  /** Log and metrics only, no trail: for events outside a server's data directory. */
  public static Events process() {
    return PROCESS;
  }

  /**
   * The events of the server whose data directory is {@code dataDir}: with its trail when one is open
   * in this process (several test servers share a JVM, each with its own), else {@link #process()}.
   */
  public static Events at(Path dataDir) {
    if (dataDir == null) {
      return PROCESS;
    }
    Events e = BY_DATA_DIR.get(dataDir); // a server's own path is already absolute and normal: looked up as it is
    return e != null ? e : BY_DATA_DIR.getOrDefault(normal(dataDir), PROCESS);
  }

  static void register(Path dataDir, TrailRecorder trail) {
    BY_DATA_DIR.put(normal(dataDir), new Events(trail));
  }

  static void unregister(Path dataDir, TrailRecorder trail) {
    BY_DATA_DIR.computeIfPresent(normal(dataDir), (k, v) -> v.trail == trail ? null : v);
  }

  private static Path normal(Path p) {
    return p.toAbsolutePath().normalize();
  }

  /** Emits with fields given as alternating names and values; a null value leaves its field out. */
  public void emit(Event event, TrailKey key, String... namesAndValues) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        fields.put(namesAndValues[i], namesAndValues[i + 1]);
      }
    }
    emit(event, key, fields);
  }

  /** Logs, counts and records {@code event}; a failure here is logged and swallowed. */
  public void emit(Event event, TrailKey key, Map<String, String> fields) {
    try {
      TrailRecord r = new TrailRecord(Instant.now(), event.key(), key, fields);
      logLine(event, r);
      Metrics.process().event(event.key());
      if (trail != null) {
        trail.offer(r);
      }
    } catch (RuntimeException e) {
      log.warn("event {} not recorded: {}", event.key(), e.toString());
    }
  }

  /**
   * Whether log lines carry their fields as SLF4J key/values too: only a JSON encoder writes them ({@code
   * kvpList}); the text and syslog lines have them in the message already. On until the server's log
   * setup says otherwise, so that a logback file of the operator's own with a JSON encoder still gets them.
   */
  private static volatile boolean keyValues = true;

  /** Set by the server's log setup: {@code true} for {@code format = "json"}, {@code false} for the text lines. */
  public static void keyValues(boolean on) {
    keyValues = on;
  }

  /** {@code name=value} for each field, a value quoted where it needs to be ({@link TrailRecord#appendQuoted}). */
  private static void appendFields(StringBuilder text, Map<String, String> fields) {
    for (var e : fields.entrySet()) {
      TrailRecord.appendQuoted(text.append(' ').append(e.getKey()).append('='), e.getValue());
    }
  }

  private static void logLine(Event event, TrailRecord r) {
    boolean warn = event.level() == Event.Level.WARN;
    if (!(warn ? log.isWarnEnabled() : log.isInfoEnabled())) {
      return;
    }
    StringBuilder text = new StringBuilder(160).append(event.key());
    if (!keyValues) {
      // the text line alone (the server's text and syslog formats): the key's words appended as
      // keyFields names them, without its map
      appendKey(text, r.key());
      appendFields(text, r.fields());
      if (warn) {
        log.warn(text.toString());
      } else {
        log.info(text.toString());
      }
      return;
    }
    Map<String, String> keys = keyFields(r.key());
    appendFields(text, keys);
    appendFields(text, r.fields());
    LoggingEventBuilder b = (warn ? log.atWarn() : log.atInfo()).addKeyValue("event", event.key());
    for (var e : keys.entrySet()) {
      b = b.addKeyValue(e.getKey(), e.getValue());
    }
    for (var e : r.fields().entrySet()) {
      b = b.addKeyValue(e.getKey(), e.getValue());
    }
    b.setMessage(text.toString()).log();
  }

  /** What {@code appendFields(text, keyFields(k))} appends, without the map. */
  static void appendKey(StringBuilder text, TrailKey k) {
    eachKeyField(k, (name, value) -> TrailRecord.appendQuoted(text.append(' ').append(name).append('='), value));
  }

  /** The key's parts as named in the log: session, queue, message_id, from, to. */
  static Map<String, String> keyFields(TrailKey k) {
    Map<String, String> m = new LinkedHashMap<>();
    eachKeyField(k, m::put);
    return m;
  }

  /** The key's parts that are there, in the log's order and form (the map and the text line both use this). */
  private static void eachKeyField(TrailKey k, java.util.function.BiConsumer<String, String> out) {
    if (k == null) {
      return;
    }
    if (k.session() != null) {
      out.accept("session", k.session());
    }
    if (k.queueId() != null) {
      out.accept("queue", k.queueId());
    }
    if (k.messageId() != null) {
      out.accept("message_id", "<" + k.messageId() + ">");
    }
    if (k.sender() != null) {
      out.accept("from", "<" + k.sender() + ">");
    }
    List<String> to = k.recipients();
    if (to.size() == 1) {
      out.accept("to", "<" + to.getFirst() + ">");
    } else if (!to.isEmpty()) {
      out.accept("to", "<" + String.join(">,<", to) + ">");
    }
  }
}
