package dev.postamt.smtp;

import dev.postamt.config.Config;
import dev.postamt.routing.Resolution;
import dev.postamt.smtp.StageCheck.Decision;

/**
 * Who may use us to reach what: Postfix's {@code permit_mynetworks, permit_sasl_authenticated,
 * reject_unauth_destination}, plus the LMTP rule (LMTP serves {@code relay.networks} only) and the
 * refusal of sender-routed addresses ({@code a%b@c}, {@code a!b@c}, {@code @x:a@b}) from outsiders,
 * which could otherwise relay through a local domain (Postfix {@code allow_untrusted_routing = no}).
 */
final class RelayRules {
  private final Config config;

  RelayRules(Config config) {
    this.config = config;
  }

  /** CONNECT: an LMTP client must be in {@code relay.networks}. */
  Decision lmtpClients(StageContext c) {
    if (c.client().lmtp() && !c.client().trustedNetwork()) {
      return Decision.refuse(554, "5.7.1", config.hostname() + " LMTP is for relay.networks only");
    }
    return Decision.CONTINUE;
  }

  /** RCPT: sender-routed addresses only from trusted clients. */
  Decision senderRouted(StageContext c) {
    if (!c.client().trusted() && c.recipient().path().routingTrick()) {
      return Decision.refuse(554, "5.7.1", c.recipient().shown() + ": Relay access denied (sender-routed address)");
    }
    return Decision.CONTINUE;
  }

  /** RCPT: a domain that is not ours only from trusted clients, or when we are its backup MX. */
  Decision destination(StageContext c) {
    if (!(c.recipient().resolution() instanceof Resolution.NotLocal)) {
      return Decision.CONTINUE;
    }
    boolean backup = config.relay().relayDomains().contains(c.recipient().domain());
    if (!backup && !c.client().trusted()) {
      return Decision.refuse(554, "5.7.1", c.recipient().shown() + ": Relay access denied");
    }
    return Decision.CONTINUE;
  }
}
