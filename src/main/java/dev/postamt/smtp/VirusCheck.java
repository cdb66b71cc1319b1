package dev.postamt.smtp;

import dev.postamt.antivirus.AttachmentPolicy;
import dev.postamt.antivirus.QuarantineNotice;
import dev.postamt.antivirus.VirusScanner;
import dev.postamt.antivirus.VirusScanner.Verdict;
import dev.postamt.config.Antivirus;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import dev.postamt.smtp.StageCheck.Decision;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The END_OF_DATA virus check ({@code [antivirus]}): the message goes to clamd ({@link VirusScanner})
 * before the reply, and the verdict decides.
 *
 * <ul>
 *   <li>clean: {@code X-Virus-Scanned: Postamt (clamd VERSION)} and {@code X-Virus-Status: clean} are
 *       added (the same fields from outside are dropped, so Sieve's {@code virustest} reads only ours);
 *   <li>a virus in an authenticated submission: {@code 554 5.7.0}, saying the message was not sent
 *       (the user's own device is infected: the sender is the one to tell);
 *   <li>a virus in other mail: {@code antivirus.action} — {@code reject} ({@code 554 5.7.0 Virus found:
 *       NAME}), {@code quarantine} (250; held, not delivered; each recipient told if {@code
 *       notify_recipient}) or {@code discard} (250, dropped, logged). The envelope sender is never
 *       told: virus senders are forged;
 *   <li>clamd unavailable: {@code 451 4.7.1} ({@code on_unavailable = "tempfail"}), or accepted with
 *       {@code X-Virus-Scanned: unavailable} and {@code X-Virus-Status: unscanned}.
 * </ul>
 *
 * With {@code antivirus.block_attachments} (clamd or not), a forbidden attachment ({@link
 * AttachmentPolicy}) is treated the same way ({@code 554 5.7.0 Forbidden attachment: REASON}, or held
 * with {@code X-Attachment-Policy: SYMBOLS}).
 *
 * <p>LMTP is not scanned: the MTA in front of it is where mail is filtered (as with amavis before Dovecot).
 */
final class VirusCheck implements StageCheck {
  private static final Logger log = LoggerFactory.getLogger(VirusCheck.class);
  static final String SCANNED = "X-Virus-Scanned";
  static final String STATUS = "X-Virus-Status";
  /** The attachment-policy symbols of a quarantined message. */
  static final String ATTACHMENTS = "X-Attachment-Policy";

  private final SmtpServer server;
  private final Antivirus config;
  private final VirusScanner scanner;
  private Quarantine quarantine;

  VirusCheck(SmtpServer server, VirusScanner scanner) {
    this.server = server;
    this.config = server.config.antivirus();
    this.scanner = scanner;
  }

  /**
   * The check for this server's config, or none when {@code antivirus.clamd} is empty and attachments
   * are not checked, or for LMTP. The scanner (and its pool of clamd sessions) is one per running
   * server ({@link VirusScanner#forOwner}, keyed by the spool the services share): a reload makes new
   * SMTP services, which keep the scanner when {@code [antivirus]} is unchanged and close the old one
   * when it changed or was turned off.
   */
  static Optional<StageCheck> of(SmtpServer server) {
    if (server.mode == SmtpServer.Mode.LMTP) {
      return Optional.empty();
    }
    Antivirus av = server.config.antivirus();
    VirusScanner scanner = server.spool == null ? (av.enabled() ? new VirusScanner(av) : null) : VirusScanner.forOwner(server.spool, av);
    if (scanner == null && !av.blockAttachments()) {
      return Optional.empty();
    }
    return Optional.of(new VirusCheck(server, scanner));
  }

  @Override
  public Decision check(StageContext c) throws IOException {
    StageContext.Message m = c.message();
    Envelope env = m.envelope();
    m.edits().drop(outsideFields(m));
    if (scanner != null) {
      Verdict v = scanner.scan(m.content());
      switch (v) {
        case Verdict.Clean clean -> {
          String partial = clean.partial() == 0 ? "" : "; partial: " + clean.partial() + " stream(s) over " + config.maxSize() + " bytes scanned up to that size";
          m.edits().prepend(SCANNED + ": Postamt (clamd " + clean.version() + ")" + partial + "\r\n" + STATUS + ": clean\r\n");
        }
        case Verdict.Unavailable u -> {
          dev.postamt.metrics.Metrics.process().antivirusUnavailable();
          if (!config.onUnavailable().equals("accept")) {
            log.info("antivirus {}: {} deferred: {}", c.client().ip(), env.id(), u.reason());
            return Decision.refuse(451, "4.7.1", "Virus scanner unavailable, try again later");
          }
          log.info("antivirus {}: {} accepted unscanned: {}", c.client().ip(), env.id(), u.reason());
          m.edits().prepend(SCANNED + ": unavailable (Postamt: clamd did not answer; not scanned)\r\n" + STATUS + ": unscanned\r\n");
        }
        case Verdict.Infected inf -> {
          String name = printable(inf.name());
          return refuseOrHold(c, env, Quarantine.Kind.VIRUS, "virus " + name, "virus " + name + " in " + inf.where(), "Virus found: " + name,
              SCANNED + ": Postamt (clamd " + inf.version() + ")\r\n" + STATUS + ": infected; virus=" + name + "\r\n");
        }
      }
    }
    if (config.blockAttachments()) {
      List<AttachmentPolicy.Finding> findings;
      try (InputStream in = m.content().get()) {
        findings = AttachmentPolicy.check(MimePart.parse(in.readAllBytes()));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      if (!findings.isEmpty()) {
        AttachmentPolicy.Finding f = findings.getFirst();
        String symbols = String.join(",", findings.stream().map(AttachmentPolicy.Finding::symbol).distinct().toList());
        return refuseOrHold(c, env, Quarantine.Kind.ATTACHMENT, "forbidden attachment (" + f.symbol() + ")", "forbidden attachment: " + symbols + ": " + f.reason(),
            "Forbidden attachment: " + printableText(f.reason()), ATTACHMENTS + ": " + symbols + "\r\n");
      }
    }
    return Decision.CONTINUE;
  }

  /**
   * A virus or a forbidden attachment: refused for an authenticated sender, else as {@code
   * antivirus.action} says.
   *
   * @param found for the notice ({@code virus NAME})
   * @param reason for the log and the quarantine
   * @param replyText the 554 text
   * @param headers added to a quarantined message
   */
  private Decision refuseOrHold(StageContext c, Envelope env, Quarantine.Kind kind, String found, String reason, String replyText, String headers) {
    boolean authenticated = c.client().authUser() != null;
    String action = authenticated ? "reject" : config.action();
    dev.postamt.events.Events.at(server.config.dataDir()).emit(dev.postamt.events.Event.FILTER_VERDICT, dev.postamt.events.TrailKey.queue(env.id()).withSender(env.sender()).withRecipients(env.recipientAddresses()), "check", "antivirus", "action", action, "reason", reason);
    log.info("antivirus {}: {} {} from=<{}> to={}: {}", c.client().ip(), env.id(), reason, env.sender(), env.recipientAddresses(),
        switch (action) {
          case "quarantine" -> "quarantined";
          case "discard" -> "discarded";
          default -> "rejected";
        });
    if (authenticated) {
      return Decision.refuse(554, "5.7.0", replyText + "; your message was not sent, check your device");
    }
    switch (action) {
      case "quarantine" -> {
        c.message().edits().prepend(headers);
        String subject = subject(c.message());
        c.message().edits().divert((e, message) -> hold(e, message, kind, reason, found, subject));
        return Decision.CONTINUE;
      }
      case "discard" -> {
        c.message().edits().divert((e, message) -> "Ok: " + e.id() + " discarded");
        return Decision.CONTINUE;
      }
      default -> {
        return Decision.refuse(554, "5.7.0", replyText);
      }
    }
  }

  private String hold(Envelope env, InputStream message, Quarantine.Kind kind, String reason, String found, String subject)
      throws IOException {
    Quarantine q = quarantine();
    q.store(kind, new Quarantine.Entry(env.id(), Instant.now(), env.sender(), env.recipientAddresses(), reason, subject,
        env.clientAddress(), env.body(), env.smtpUtf8(), 0), message);
    if (config.notifyRecipient() && !env.recipients().isEmpty()) {
      try {
        notice(env, found, subject);
      } catch (IOException | RuntimeException e) {
        // the message is safe in quarantine; the notice is a courtesy
        log.warn("antivirus: {}: quarantine notice not queued: {}", env.id(), e.toString());
      }
    }
    return "Ok: " + env.id() + " held";
  }

  private void notice(Envelope held, String found, String subject) throws IOException {
    String id = DurableSpool.newId();
    String host = server.config.hostname();
    byte[] text = QuarantineNotice.build(host, id, held.recipientAddresses(), held.id(), found, held.sender(), subject,
        ZonedDateTime.now());
    Envelope env = new Envelope(id, Instant.now(), "", held.recipients().stream().map(r -> Envelope.Recipient.of(r.address())).toList(),
        "8BITMIME", false, Optional.of("HDRS"), Optional.empty(), host, "127.0.0.1", Optional.empty(), "ESMTP");
    try (DurableSpool.Writer w = server.spool.create(id)) {
      w.out().write(text);
      w.commit(env, "");
    }
    server.queue.submit(id);
  }

  private synchronized Quarantine quarantine() throws IOException {
    if (quarantine == null) {
      quarantine = Quarantine.open(server.config);
    }
    return quarantine;
  }

  /** Positions of our X-Virus-Scanned, X-Virus-Status and X-Attachment-Policy fields that came from outside. */
  private static List<Integer> outsideFields(StageContext.Message m) throws IOException {
    List<Integer> out = new ArrayList<>();
    try (InputStream in = m.content().get()) {
      List<HeaderSection.Field> fields = HeaderSection.read(in).fields();
      for (int i = 0; i < fields.size(); i++) {
        if (fields.get(i).is(SCANNED) || fields.get(i).is(STATUS) || fields.get(i).is(ATTACHMENTS)) {
          out.add(i);
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out;
  }

  private static String subject(StageContext.Message m) {
    try (InputStream in = m.content().get()) {
      for (HeaderSection.Field f : HeaderSection.read(in).fields()) {
        if (f.is("Subject")) {
          return HeaderText.decode(HeaderText.unfold(f.value()).strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      // no subject then
    }
    return "";
  }

  /** Printable ASCII for a reply line (a file name may be anything). */
  private static String printableText(String s) {
    String t = s.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > 300 ? t.substring(0, 300) : t;
  }

  private static String printable(String s) {
    String t = s.replaceAll("[^\\x21-\\x7e]", "_");
    return t.length() > 120 ? t.substring(0, 120) : t;
  }
}
