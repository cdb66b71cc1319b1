package dev.postamt.console;

import dev.postamt.admin.AdminException;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.queue.Envelope;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /admin/message?id=ID}: what happened to a message, from what is stored today. For a queue
 * id: the envelope, when and from where it was received, each recipient's status with its attempts
 * and last reply, the header fields we added (Received, Authentication-Results) and the message's own
 * header (with any X-Spam-Status); for a held message: the quarantine verdict and its header. A
 * message that was delivered to every recipient has left the queue and is not found here; the full
 * trail of events (issue 23) will answer for those too.
 */
final class MessagePage implements ConsoleApp.Family {
  /** How much of a message's header the page shows at most. */
  static final int HEADER_LIMIT = 32 * 1024;

  @Override
  public void get(ConsolePage c, String view) throws IOException {
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    String id = c.param("id");
    StringBuilder b = new StringBuilder("<h1>What happened to a message</h1>");
    b.append("<form method=\"get\" action=\"/admin/message\" class=\"add\">")
        .append("<label for=\"id\">Queue id</label><input type=\"text\" id=\"id\" name=\"id\" value=\"").append(ConsolePage.esc(id))
        .append("\"><button type=\"submit\" id=\"find\">Show</button></form>");
    if (!id.isEmpty()) {
      Optional<QueuedMessage> queued = queued(c, id);
      Optional<Quarantine.Entry> held = held(c, id);
      if (queued.isEmpty() && held.isEmpty()) {
        b.append(dev.postamt.web.Html.notice("error", "No message " + id + " is in the queue or the quarantine of the domains"
            + " you administer. A message delivered to all its recipients leaves the queue; its trail comes with the"
            + " event log (issue 23)."));
      }
      queued.ifPresent(m -> queueSection(c, b, m));
      if (held.isPresent()) {
        quarantineSection(c, b, held.get());
      }
    }
    b.append("<p class=\"hint\">This view shows what the queue and the quarantine store. The full trail of each message"
        + " (every check, verdict and delivery attempt as it happened) comes with the event log, issue 23.</p>");
    c.show("Message " + id, "message", b.toString());
  }

  private static Optional<QueuedMessage> queued(ConsolePage c, String id) {
    try {
      QueuedMessage m = c.admin.queue().show(id);
      return c.scope.seesAny(QueuePage.addresses(m)) ? Optional.of(m) : Optional.empty();
    } catch (AdminException e) {
      return Optional.empty();
    }
  }

  private static Optional<Quarantine.Entry> held(ConsolePage c, String id) {
    if (!Quarantine.validId(id)) {
      return Optional.empty();
    }
    try {
      Quarantine.Entry e = c.admin.quarantine().show(id);
      return c.scope.seesAny(QuarantinePage.addresses(e)) ? Optional.of(e) : Optional.empty();
    } catch (AdminException e) {
      return Optional.empty();
    }
  }

  private static void queueSection(ConsolePage c, StringBuilder b, QueuedMessage m) {
    Envelope env = m.envelope();
    b.append("<h2>In the queue").append(m.held() ? " (on hold)" : "").append("</h2><table id=\"envelope\"><tbody>");
    row(b, "Queue id", m.id());
    row(b, "Received", ConsolePage.when(env.arrival()));
    row(b, "From client", env.clientHelo() + " [" + env.clientAddress() + "] " + env.protocol()
        + env.authUser().map(u -> ", authenticated as " + u).orElse(""));
    row(b, "Sender", env.sender().isEmpty() ? "<> (a bounce)" : env.sender());
    row(b, "Size", ConsolePage.size(m.size()));
    row(b, "Body", env.body() + (env.smtpUtf8() ? " SMTPUTF8" : ""));
    b.append("</tbody></table>");
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < m.statuses().size(); i++) {
      RecipientStatus s = m.statuses().get(i);
      rows.add(List.of(ConsolePage.esc(env.recipients().get(i).address()), ConsolePage.esc(state(s)), ConsolePage.esc(attempts(s)),
          ConsolePage.esc(reply(s))));
    }
    b.append("<h2>Recipients</h2>")
        .append(ConsolePage.table("recipients", List.of("Recipient", "Status", "Attempts / next", "Last reply"), rows, ""));
    String id = m.id();
    b.append("<p>").append(m.held() ? c.button("queue/release", "Release", null, "id", id, "view", "message")
            : c.button("queue/hold", "Hold", "secondary", "id", id, "view", "message") + " "
                + c.button("queue/requeue", "Retry now", "secondary", "id", id, "view", "message"))
        .append(' ').append(c.button("queue/delete", "Delete", "danger", "id", id, "view", "message")).append("</p>");
    String header;
    try (InputStream in = c.admin.queue().openContent(m)) {
      header = m.headers() + header(in);
    } catch (IOException e) {
      header = m.headers() + "(cannot read the message: " + e.getMessage() + ")";
    }
    b.append("<h2>Header</h2><pre id=\"header\">").append(ConsolePage.esc(header)).append("</pre>");
  }

  private static void quarantineSection(ConsolePage c, StringBuilder b, Quarantine.Entry e) {
    b.append("<h2>In the quarantine</h2><table id=\"held\"><tbody>");
    row(b, "Held since", ConsolePage.when(e.held()));
    row(b, "Verdict", e.kind().word());
    row(b, "Reason", e.reason());
    row(b, "Sender", e.sender().isEmpty() ? "<>" : e.sender());
    row(b, "Recipients", String.join(", ", e.recipients()));
    row(b, "Client", e.clientIp());
    row(b, "Subject", e.subject());
    row(b, "Size", ConsolePage.size(e.size()));
    b.append("</tbody></table><p>").append(c.button("quarantine/release", "Release", null, "id", e.id())).append(' ')
        .append(c.button("quarantine/delete", "Delete", "danger", "id", e.id())).append("</p>");
    String header;
    try (InputStream in = c.admin.quarantine().open(e.id())) {
      header = header(in);
    } catch (IOException | AdminException ex) {
      header = "(cannot read the message: " + ex.getMessage() + ")";
    }
    b.append("<h2>Header</h2><pre id=\"held-header\">").append(ConsolePage.esc(header)).append("</pre>");
  }

  /** The message's header section (RFC 5322 §2.1: up to the first empty line), at most {@link #HEADER_LIMIT} bytes. */
  static String header(InputStream in) throws IOException {
    byte[] b = in.readNBytes(HEADER_LIMIT);
    String s = new String(b, StandardCharsets.UTF_8);
    int end = s.indexOf("\r\n\r\n");
    if (end < 0) {
      end = s.indexOf("\n\n");
    }
    return end < 0 ? s + (b.length == HEADER_LIMIT ? "\n[…]" : "") : s.substring(0, end + 2);
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<tr><th>").append(ConsolePage.esc(name)).append("</th><td>").append(ConsolePage.esc(value)).append("</td></tr>");
  }

  private static String state(RecipientStatus s) {
    return switch (s) {
      case RecipientStatus.Scheduled x -> "scheduled";
      case RecipientStatus.Delivered d -> d.kind() == RecipientStatus.Kind.RELAYED ? "relayed" : "delivered";
      case RecipientStatus.PermFail p -> "failed (bounced)";
      case RecipientStatus.TempFail t -> "deferred";
    };
  }

  private static String attempts(RecipientStatus s) {
    return switch (s) {
      case RecipientStatus.Delivered d -> "done " + ConsolePage.when(d.at());
      case RecipientStatus.PermFail p -> "done " + ConsolePage.when(p.at());
      case RecipientStatus.TempFail t -> t.attempts() + ", next " + ConsolePage.when(t.next());
      case RecipientStatus.Scheduled x -> "due now";
    };
  }

  private static String reply(RecipientStatus s) {
    return switch (s) {
      case RecipientStatus.Delivered d -> d.detail();
      case RecipientStatus.PermFail p -> p.reason();
      case RecipientStatus.TempFail t -> t.reason();
      case RecipientStatus.Scheduled x -> "";
    };
  }

  @Override
  public void post(ConsolePage c, String action) {
    throw ConsoleException.notFound("There is nothing to post here.");
  }
}
