package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.dns.Resolver;
import dev.postamt.policy.CheckResult;
import dev.postamt.policy.Evaluation;
import dev.postamt.policy.GreylistStore;
import dev.postamt.policy.PolicyRequest;
import dev.postamt.policy.Restrictions;
import dev.postamt.routing.Resolution;
import dev.postamt.routing.Router;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code postamt check policy}: what each {@code [policy]} list would decide for a client, HELO name,
 * sender and recipient, and why — with the configured DNS and the live greylist state, read only (no
 * greylist entry is created or changed). Every list is shown, also after one refuses.
 */
final class PolicyQuery {
  private PolicyQuery() {}

  static List<String> explain(Config config, Resolver dns, InetAddress client, String helo, String mailFrom, String rcpt) {
    boolean mynetworks = config.relay().networks().stream().anyMatch(c -> c.contains(client));
    PolicyRequest request;
    if (Files.isDirectory(config.dataDir())) {
      try (Directory dir = Directory.open(config)) {
        request = request(config, new Router(dir, config), dir, client, mynetworks, helo, mailFrom, rcpt);
      } catch (DirectoryException e) {
        throw new AdminException(e.getMessage(), e);
      }
    } else {
      // no data directory yet: no local domain, so every recipient is someone else's
      request = new PolicyRequest(client, mynetworks, null, blankToNull(helo), mailFrom, rcpt,
          rcpt == null ? null : PolicyRequest.RecipientStatus.REMOTE, false);
    }
    Optional<GreylistStore> live;
    try {
      live = GreylistStore.openReadOnly(config);
    } catch (GreylistStore.Failure e) {
      throw new AdminException(e.getMessage(), e);
    }
    try {
      Evaluation e = new Restrictions(config, dns, live.isPresent() ? live.get() : EMPTY, Clock.systemUTC()).explain(request);
      return render(config, e);
    } finally {
      live.ifPresent(GreylistStore::close);
    }
  }

  private static PolicyRequest request(
      Config config, Router router, Directory dir, InetAddress client, boolean mynetworks, String helo, String mailFrom, String rcpt)
      throws DirectoryException {
    PolicyRequest.RecipientStatus status = null;
    String recipient = null;
    if (rcpt != null && !rcpt.isBlank()) {
      recipient = rcpt.contains("@") ? rcpt : router.qualify(rcpt);
      String domain = recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
      recipient = recipient.substring(0, recipient.lastIndexOf('@') + 1) + domain;
      status = switch (router.resolve(recipient)) {
        case Resolution.Local l -> PolicyRequest.RecipientStatus.LOCAL;
        case Resolution.Unknown u -> PolicyRequest.RecipientStatus.UNKNOWN;
        case Resolution.TempFail t -> PolicyRequest.RecipientStatus.TEMPFAIL;
        case Resolution.NotLocal n ->
            config.relay().relayDomains().contains(domain) ? PolicyRequest.RecipientStatus.RELAY : PolicyRequest.RecipientStatus.REMOTE;
      };
    }
    String senderDomain = domainOf(mailFrom);
    boolean senderLocal = senderDomain.isEmpty() || senderDomain.equals(config.hostname()) || dir.isLocalDomain(senderDomain);
    return new PolicyRequest(client, mynetworks, null, blankToNull(helo), mailFrom, recipient, status, senderLocal);
  }

  private static List<String> render(Config config, Evaluation e) {
    List<String> out = new ArrayList<>();
    for (Evaluation.Step s : e.steps()) {
      CheckResult r = s.result();
      String verdict = r.kind() == CheckResult.Kind.REFUSE
          ? (s.applied() ? r.action() : "warn (would " + r.action() + ")") + " " + r.code() + " " + r.enhanced() + " " + r.text()
          : r.action();
      out.add(s.list() + ": " + s.restriction() + ": " + verdict + " (" + r.reason() + ")");
    }
    for (String l : dev.postamt.config.Policy.LISTS) {
      if (config.policy().list(l).isEmpty()) {
        out.add(l + ": (empty list)");
      }
    }
    out.add(e.refusal()
        .map(s -> "result: " + s.result().action() + " at " + s.list() + " by " + s.restriction().name() + ": "
            + s.result().code() + " " + s.result().enhanced() + " " + s.result().text())
        .orElse("result: accept"));
    return out;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Stands for a greylist that has no entries yet (no {@code greylist.db}); never written in a dry run. */
  private static final GreylistStore EMPTY =
      new GreylistStore() {
        @Override
        public Lookup lookup(String triplet, String client) {
          return new Lookup(Optional.empty(), 0);
        }

        @Override
        public void start(String triplet, Instant now) {
          throw new UnsupportedOperationException("read only");
        }

        @Override
        public void touch(String triplet, Instant now) {
          throw new UnsupportedOperationException("read only");
        }

        @Override
        public boolean pass(String triplet, String client, Instant now) {
          throw new UnsupportedOperationException("read only");
        }

        @Override
        public void seenClient(String client, Instant now) {
          throw new UnsupportedOperationException("read only");
        }

        @Override
        public int purge(Instant unusedSince) {
          throw new UnsupportedOperationException("read only");
        }

        @Override
        public void close() {}
      };

  /** The lower-cased domain of an address, {@code ""} for none. */
  private static String domainOf(String address) {
    int at = address == null ? -1 : address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
