package dev.postamt.im2000;

import dev.postamt.dns.Resolver;
import dev.postamt.jmap.json.Json;
import dev.postamt.web.Exchange;
import dev.postamt.web.WebApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.io.Content;

/**
 * The IM2000 endpoints under {@code /im2000/} (see {@code docs/im2000.md}):
 *
 * <ul>
 *   <li>{@code POST /im2000/notify} — a signed notification for our users ({@code 202}, {@code 200} for
 *       one taken before);
 *   <li>{@code GET /im2000/m/<token>} — a message of our outbox, to whoever holds the capability URL;
 *   <li>{@code POST /im2000/m/<token>/done?domain=D} — D (signing) confirms its fetch;
 *   <li>{@code GET /im2000/feed?domain=D} — D (signing) asks what it has not fetched yet.
 * </ul>
 *
 * Bad requests get an RFC 9457 problem with a one-line reason; nothing here needs a login.
 */
final class Im2000App implements WebApp {
  static final String PREFIX = "/im2000/";
  static final String NOTIFY = PREFIX + "notify";

  private final Outbox outbox;
  private final Inbox inbox;
  private final Resolver dns;

  Im2000App(Outbox outbox, Inbox inbox, Resolver dns) {
    this.outbox = outbox;
    this.inbox = inbox;
    this.dns = dns;
  }

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public void handle(Exchange x) throws IOException {
    String path = x.path();
    String target = x.request().getHttpURI().getPathQuery();
    String signature = x.request().getHeaders().get(Signatures.HEADER);
    if (path.equals(NOTIFY)) {
      if (!x.method().equals("POST")) {
        x.problem(405, "POST a notification here");
        return;
      }
      long length = x.request().getLength();
      if (length > Notification.MAX_BYTES) {
        x.problem(413, "a notification has at most " + Notification.MAX_BYTES + " bytes");
        return;
      }
      byte[] body = Content.Source.asInputStream(x.request()).readNBytes(Notification.MAX_BYTES + 1);
      Inbox.Answer a = inbox.accept(body, signature, target);
      if (a.status() / 100 == 2) {
        x.json(a.status(), a.text());
      } else {
        x.problem(a.status(), a.text());
      }
      return;
    }
    if (path.equals(PREFIX + "feed") && x.method().equals("GET")) {
      feed(x, target, signature);
      return;
    }
    if (path.startsWith(PREFIX + "m/")) {
      String rest = path.substring((PREFIX + "m/").length());
      if (rest.matches("[A-Za-z0-9_-]{43}") && (x.method().equals("GET") || x.method().equals("HEAD"))) {
        Optional<Path> file = outbox.file(rest);
        if (file.isEmpty()) {
          x.problem(404, "no such message (fetched by every recipient, expired, or never here)");
          return;
        }
        // messages of an outbox are mail-sized (the SMTP size limit bounds them): sent from memory
        x.send(200, "message/rfc822", Files.readAllBytes(file.get()));
        return;
      }
      if (rest.matches("[A-Za-z0-9_-]{43}/done") && x.method().equals("POST")) {
        x.discardBody();
        String domain = Optional.ofNullable(x.query("domain")).orElse("").toLowerCase(Locale.ROOT);
        String signer;
        try {
          signer = Signatures.verify(dns, signature, "POST", target, new byte[0]);
        } catch (Signatures.Invalid e) {
          x.problem(401, e.getMessage());
          return;
        }
        if (!signer.equals(domain)) {
          x.problem(403, "signed by " + signer + ", not by " + domain);
          return;
        }
        if (!outbox.confirm(rest.substring(0, 43), domain)) {
          x.problem(404, "no such message for " + domain);
          return;
        }
        x.json(200, "{\"deleted\":true}");
        return;
      }
    }
    x.discardBody();
    x.problem(404, "no such IM2000 resource");
  }

  private void feed(Exchange x, String target, String signature) {
    String domain = Optional.ofNullable(x.query("domain")).orElse("").toLowerCase(Locale.ROOT);
    String signer;
    try {
      signer = Signatures.verify(dns, signature, "GET", target, new byte[0]);
    } catch (Signatures.Invalid e) {
      x.problem(401, e.getMessage());
      return;
    }
    if (!signer.equals(domain)) {
      x.problem(403, "signed by " + signer + ", not by " + domain);
      return;
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    for (SqliteOutbox.Delivery d : outbox.pending(domain)) {
      entries.add(Map.of("notification", Base64.getEncoder().encodeToString(d.notification()), "signature", d.signature()));
    }
    x.send(200, "application/json", Json.bytes(Map.of("notifications", entries)));
  }
}
