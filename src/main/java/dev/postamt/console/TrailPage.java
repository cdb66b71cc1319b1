package dev.postamt.console;

import dev.postamt.config.Config;
import dev.postamt.events.Trace;
import dev.postamt.events.TrailRecord;
import dev.postamt.events.TrailStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code /admin/trail}: the life of a message as {@code postamt trace} prints it ({@link Trace}), looked
 * up by queue id, Message-ID or address; without a query, the latest messages. A domain administrator
 * sees only messages whose sender or a recipient is in one of their domains: others are left out as if
 * the trail did not know them.
 */
final class TrailPage implements ConsoleApp.Family {
  /** How many messages the page lists without a query, and shows at most for one. */
  static final int LIMIT = 50;

  @Override
  public void get(ConsolePage c, String view) throws Exception {
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    String q = c.param("q") == null ? "" : c.param("q").strip();
    String sinceText = c.param("since") == null ? "" : c.param("since").strip();
    Instant since = Instant.EPOCH;
    if (!sinceText.isEmpty()) {
      Duration d = Config.parseDuration(sinceText);
      if (d == null || d.isZero()) {
        throw ConsoleException.invalid("since", "Since: give a duration like 30m, 5h or 2d.");
      }
      since = Instant.now().minus(d);
    }
    Config config = c.admin.config();
    StringBuilder body = new StringBuilder("<h1>Trail</h1><p class=\"hint\">Every step of a message: connection, checks,"
        + " queue, delivery attempts with their replies, Sieve actions, bounces. Look up a queue id, a Message-ID or an"
        + " address.</p>");
    body.append("<form method=\"get\" action=\"/admin/trail\" class=\"search\">")
        .append(c.input("q", "Queue id, Message-ID or address", "text", q, null))
        .append(c.input("since", "Since", "text", sinceText, "e.g. 2d; empty: all the trail keeps"))
        .append("<button type=\"submit\">Show</button></form>");
    if (!TrailStore.exists(config)) {
      body.append("<p>The trail is empty.</p>");
      c.show("Trail", "trail", body.toString());
      return;
    }
    try (TrailStore store = TrailStore.open(config)) {
      Trace trace = new Trace(store);
      Set<String> domains = c.scope.global() ? null : c.scope.roles().domains().stream()
          .map(d -> d.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
      List<Trace.Message> messages;
      if (q.isEmpty()) {
        messages = trace.follow(store.recent(domains, since, LIMIT), since);
        body.append("<h2>Latest messages</h2>");
      } else {
        messages = trace.find(q, since);
      }
      messages = messages.stream().filter(m -> domains == null || m.touches(domains)).toList();
      if (messages.size() > LIMIT) {
        messages = messages.subList(messages.size() - LIMIT, messages.size());
      }
      if (messages.isEmpty()) {
        body.append("<p>").append(q.isEmpty() ? "No messages in the trail." : "No trail for " + ConsolePage.esc(q) + ".")
            .append("</p>");
      }
      for (Trace.Message m : messages.reversed()) {
        body.append(q.isEmpty() ? summary(m) : whole(m));
      }
    }
    c.show("Trail", "trail", body.toString());
  }

  /** A message in the list: its heading, linked to its whole trail, and its last event. */
  private static String summary(Trace.Message m) {
    String key = m.queueId() != null ? m.queueId() : m.session();
    TrailRecord last = m.events().getLast();
    return "<p class=\"trail-message\">" + ConsolePage.link("/admin/trail?q=" + ConsolePage.url(key), Trace.heading(m))
        + "<br><small>" + ConsolePage.esc(ConsolePage.when(last.time()) + " " + last.event()) + "</small></p>";
  }

  /** A message with every event. */
  private static String whole(Trace.Message m) {
    List<List<String>> rows = new ArrayList<>();
    for (TrailRecord r : m.events()) {
      rows.add(List.of(ConsolePage.esc(ConsolePage.when(r.time())), ConsolePage.esc(r.event()),
          "<code>" + ConsolePage.esc(Trace.details(r)) + "</code>"));
    }
    return "<h2>" + ConsolePage.esc(Trace.heading(m)) + "</h2>"
        + ConsolePage.table("trail", List.of("Time", "Event", "Details"), rows, "No events.");
  }

  @Override
  public void post(ConsolePage c, String action) {
    throw ConsoleException.notFound("There is no such action.");
  }
}
