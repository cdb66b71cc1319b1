package dev.postamt.smtp;

import dev.postamt.dns.Resolver;
import dev.postamt.smtp.StageCheck.Decision;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered checks of each {@link Stage}, run by the session: the first refusal is the reply, an
 * acceptance skips the rest of that stage, and when all continue the command goes on. Modelled on
 * Postfix's {@code smtpd_*_restrictions} lists; the coming {@code policy} package adds its checks
 * (access maps, greylisting, DNSBLs) here with {@link #add}.
 */
final class StageChecks {
  private static final Logger log = LoggerFactory.getLogger(StageChecks.class);

  private record Named(String name, StageCheck check) {}

  private final Map<Stage, List<Named>> checks = new EnumMap<>(Stage.class);

  StageChecks() {
    for (Stage s : Stage.values()) {
      checks.put(s, new ArrayList<>());
    }
  }

  /**
   * The built-in checks, in the order the session used to apply them: the LMTP client rule; the
   * sender-ownership rule; at RCPT sender-routed addresses, unknown recipients, relay access, full
   * mailboxes and dead alias targets; at the end of the data the mail-authentication stage; then, on
   * the MX port, the {@code [policy]} lists at every stage ({@link PolicyCheck}); last at the end of
   * the data the virus scan ({@link VirusCheck}) and the spam scan ({@link SpamCheck}).
   */
  static StageChecks standard(SmtpServer server, Resolver dns) {
    StageChecks s = new StageChecks();
    RelayRules relay = new RelayRules(server.config);
    s.add(Stage.CONNECT, "lmtp_clients", relay::lmtpClients);
    s.add(Stage.MAIL, "sender_login", new SenderOwnership(server.router));
    s.add(Stage.RCPT, "sender_routed", relay::senderRouted);
    s.add(Stage.RCPT, "unlisted_recipient", RecipientLookup::known);
    s.add(Stage.RCPT, "unauth_destination", relay::destination);
    if (server.store != null) {
      s.add(Stage.RCPT, "mailbox_quota", new MailboxQuota(server.store));
    }
    if (dns != null) {
      s.add(Stage.RCPT, "alias_target_domain", new AliasTargets(dns, server.config));
    }
    s.add(Stage.END_OF_DATA, "mail_authentication", inbound(server.check, server.config.dataDir()));
    if (server.policy != null) {
      PolicyCheck policy = new PolicyCheck(server.policy, server);
      for (Stage stage : Stage.values()) {
        s.add(stage, "policy", policy);
      }
    }
    VirusCheck.of(server).ifPresent(v -> s.add(Stage.END_OF_DATA, "antivirus", v));
    if (server.spam != null) {
      s.add(Stage.END_OF_DATA, "spam", new SpamCheck(server, server.spam));
    }
    return s;
  }

  /** Appends a check to a stage; checks run in the order added. */
  StageChecks add(Stage stage, String name, StageCheck check) {
    checks.get(stage).add(new Named(name, check));
    return this;
  }

  /** Runs the checks of {@code context.stage()}; the decision is never {@link Decision.Continue}'s absence. */
  Decision run(StageContext context) throws IOException {
    for (Named n : checks.get(context.stage())) {
      Decision d = n.check().check(context);
      switch (d) {
        case Decision.Continue c -> {}
        case Decision.Accept a -> {
          return a;
        }
        case Decision.Refuse r -> {
          log.debug("smtp {}: {} check {}: {}", context.client().ip(), context.stage(), n.name(), r.reply());
          dev.postamt.metrics.Metrics.process().rejected(reason(n.name()));
          return r;
        }
      }
    }
    return Decision.CONTINUE;
  }

  /** The reason class of a refusal by the check named {@code name}, for the rejects counter. */
  static dev.postamt.metrics.Metrics.RejectReason reason(String name) {
    return switch (name) {
      case "antivirus" -> dev.postamt.metrics.Metrics.RejectReason.VIRUS;
      case "spam" -> dev.postamt.metrics.Metrics.RejectReason.SPAM;
      case "policy", "mail_authentication", "unauth_destination", "sender_login", "sender_routed", "lmtp_clients" ->
          dev.postamt.metrics.Metrics.RejectReason.POLICY;
      default -> dev.postamt.metrics.Metrics.RejectReason.OTHER;
    };
  }

  /** Runs the checks and turns a refusal into the {@link SmtpException} the session answers with. */
  void require(StageContext context) throws IOException, SmtpException {
    if (run(context) instanceof Decision.Refuse r) {
      throw new SmtpException(r.reply());
    }
  }

  /**
   * Header fields as one line for the trail: each line break with the white space after it (a fold or
   * the next field) becomes one space, then stripped; the same as {@code replaceAll("\r?\n[ \t]+", " ")
   * .replaceAll("\r?\n", " ").strip()} without two regexes per message.
   */
  static String oneLine(String fields) {
    StringBuilder b = new StringBuilder(fields.length());
    int n = fields.length();
    for (int i = 0; i < n; i++) {
      char c = fields.charAt(i);
      if (c == '\r' && i + 1 < n && fields.charAt(i + 1) == '\n') {
        continue; // the CR of a CRLF goes with its LF
      }
      if (c == '\n') {
        b.append(' ');
        while (i + 1 < n && (fields.charAt(i + 1) == ' ' || fields.charAt(i + 1) == '\t')) {
          i++;
        }
      } else {
        b.append(c);
      }
    }
    return b.toString().strip();
  }

  /** The END_OF_DATA adapter for an {@link InboundCheck}: its refusal, or its header edits. */
  static StageCheck inbound(InboundCheck check) {
    return inbound(check, null);
  }

  /** As {@link #inbound(InboundCheck)}, reporting the results as {@code mailauth.result} events of the server on {@code dataDir}. */
  static StageCheck inbound(InboundCheck check, java.nio.file.Path dataDir) {
    return c -> {
      StageContext.Message m = c.message();
      StageContext.Client cl = c.client();
      InboundCheck.Result r;
      try {
        r = check.check(
            new InboundCheck.Session(cl.service(), cl.ip(), cl.helo(), cl.tls(), cl.authUser() != null, m.resolutions()),
            m.envelope(),
            m.content());
      } catch (SmtpException e) {
        return new Decision.Refuse(e.reply());
      }
      m.edits().prepend(r.headers());
      if (!r.headers().isEmpty()) {
  dev.postamt.events.Events.at(dataDir).emit(dev.postamt.events.Event.MAILAUTH_RESULT, dev.postamt.events.TrailKey.queue(m.envelope().id()).withSender(m.envelope().sender()).withRecipients(m.envelope().recipientAddresses()), "results", oneLine(r.headers()));
      }
      m.edits().drop(r.dropFields());
      return Decision.CONTINUE;
    };
  }
}
