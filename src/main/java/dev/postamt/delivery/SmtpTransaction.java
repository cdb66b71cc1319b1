package dev.postamt.delivery;

import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.queue.Xtext;
import dev.postamt.config.Config;
import dev.postamt.config.TlsPolicy;
import dev.postamt.delivery.tls.CertificateNames;
import dev.postamt.delivery.tls.Dane;
import dev.postamt.delivery.tls.TlsRequirement;
import dev.postamt.delivery.tls.TrustedTls;
import dev.postamt.config.Delivery;
import dev.postamt.smtp.client.ClientReply;
import dev.postamt.smtp.client.SmtpClient;
import dev.postamt.tlsrpt.Policy;
import dev.postamt.tlsrpt.ResultType;
import dev.postamt.tlsrpt.TlsReports;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * One delivery attempt of one message to one host address: connection (cached or new), EHLO,
 * STARTTLS when offered, AUTH for the relayhost, the checks of what the message needs against what the
 * peer offers, and the transaction. Turns the replies into a {@link RecipientStatus} per recipient with
 * Postfix-style texts ("host mx.example.org[192.0.2.1] said: 550 … (in reply to RCPT TO command)")
 * that the DSN parts are later read from.
 */
final class SmtpTransaction {
  /**
   * Recipients per transaction, like Postfix {@code smtp_destination_recipient_limit}; more go in
   * further transactions on the same connection. RFC 5321 §4.5.3.1.8 only promises 100.
   */
  static final int MAX_RECIPIENTS = 50;

  /** Relayhost login; sent only over TLS. */
  record Credentials(String user, String password) {}

  sealed interface Outcome {
    /** The host could not take the mail at all; the next host should be tried. */
    record HostFailed(String reason) implements Outcome {}

    /** A status per recipient, in the order given. */
    record Answered(List<RecipientStatus> statuses) implements Outcome {}
  }

  private final Config config;
  private final DurableSpool spool;
  private final ConnectionCache cache;
  private final SmtpClient.Timeouts timeouts;
  /** Where the TLS result of each new connection under a reported policy goes (RFC 8460). */
  private final TlsReports reports;

  SmtpTransaction(Config config, DurableSpool spool, ConnectionCache cache, TlsReports reports) {
    this.config = config;
    this.reports = reports;
    this.spool = spool;
    this.cache = cache;
    Delivery d = config.delivery();
    this.timeouts =
        new SmtpClient.Timeouts(
            d.connectTimeout(), d.commandTimeout(), d.dataInitTimeout(), d.dataBlockTimeout(), d.dataEndTimeout());
  }

  /**
   * @param report the policy the TLS result of a new connection is reported under (RFC 8460); null for
   *     deliveries that are not reported (relay hosts, transports, REQUIRETLS)
   */
  Outcome attempt(
      QueuedMessage m, List<RemoteDelivery.Target> targets, MxResolver.Hop hop, boolean lmtp, Credentials cred,
      TlsRequirement tls, Policy report) {
    String key = hop.address() + (lmtp ? "/lmtp" : "/smtp") + (cred == null ? "" : "/" + cred.user()) + "/" + tls.key(hop.host());
    SmtpClient cached = cache.take(key);
    if (cached != null) {
      Outcome o = attempt(m, targets, hop, lmtp, cred, tls, key, cached, report);
      if (!(o instanceof Outcome.HostFailed)) {
        return o;
      }
      // a cached connection may have been closed by the peer meanwhile: that says nothing about the
      // host, so try once more on a fresh connection
    }
    return attempt(m, targets, hop, lmtp, cred, tls, key, null, report);
  }

  private Outcome attempt(
      QueuedMessage m,
      List<RemoteDelivery.Target> targets,
      MxResolver.Hop hop,
      boolean lmtp,
      Credentials cred,
      TlsRequirement tls,
      String key,
      SmtpClient c,
      Policy report) {
    try {
      if (c == null) {
        try {
          c = open(hop, lmtp, cred, tls, tls.level() != TlsPolicy.Level.NONE);
        } catch (HostUnavailable e) {
          if (report != null && e.result != null) {
            reports.failure(report, new TlsReports.Failure(e.result, e.sendingIp, hop.host(),
                hop.address().getAddress().getHostAddress(), e.getMessage()));
          }
          return new Outcome.HostFailed(e.getMessage());
        }
        if (report != null && tls.level() != TlsPolicy.Level.NONE) {
          reportSession(report, hop, c);
        }
      }
      if (m.envelope().requireTls() && !lmtp && (!c.isTls() || !c.has("REQUIRETLS"))) {
        // RFC 8689 §4.2.1: the next hop must promise to keep the requirement
        cache.put(key, c);
        return new Outcome.HostFailed("5.7.10 REQUIRETLS: " + c.peer() + " does not support REQUIRETLS");
      }
      List<RecipientStatus> statuses = new ArrayList<>();
      for (int from = 0; from < targets.size(); from += MAX_RECIPIENTS) {
        List<RemoteDelivery.Target> chunk = targets.subList(from, Math.min(targets.size(), from + MAX_RECIPIENTS));
        try {
          statuses.addAll(((Outcome.Answered) transact(m, chunk, c, lmtp)).statuses());
        } catch (IOException e) {
          if (statuses.isEmpty()) {
            throw e;
          }
          // earlier transactions went through; only the rest waits for the next host or attempt
          c.close();
          String reason = "4.4.2 lost connection with " + c.peer() + ": " + e.getMessage();
          targets.subList(from, targets.size()).forEach(t -> statuses.add(RemoteDelivery.temp(reason)));
          return new Outcome.Answered(statuses);
        }
      }
      cache.put(key, c);
      return new Outcome.Answered(statuses);
    } catch (IOException e) {
      if (c != null) {
        c.close();
      }
      String peer = c != null ? c.peer() : hop.host() + "[" + hop.address().getAddress().getHostAddress() + "]";
      return new Outcome.HostFailed("4.4.2 lost connection with " + peer + ": " + e.getMessage());
    }
  }

  /**
   * A new connection under a reported policy: TLS as the policy demands is a successful session
   * (open only returns connections that met the demand); a connection left in clear text (no policy,
   * and no STARTTLS or a failed one) is reported as {@code starttls-not-supported}.
   */
  private void reportSession(Policy report, MxResolver.Hop hop, SmtpClient c) {
    if (c.isTls()) {
      reports.success(report);
    } else {
      reports.failure(report, new TlsReports.Failure(ResultType.STARTTLS_NOT_SUPPORTED, c.localAddress().getHostAddress(),
          hop.host(), hop.address().getAddress().getHostAddress(), "no TLS negotiated; sent in clear text"));
    }
  }

  /**
   * Why a host cannot take mail now; the message is the status text. A TLS failure carries its RFC 8460
   * result type and the address we connected from, for the report.
   */
  private static final class HostUnavailable extends Exception {
    final ResultType result;
    final String sendingIp;

    HostUnavailable(String reason) {
      this(reason, null, null);
    }

    HostUnavailable(String reason, ResultType result, SmtpClient c) {
      super(reason, null, false, false);
      this.result = result;
      this.sendingIp = c == null ? "" : c.localAddress().getHostAddress();
    }
  }

  /** A client ready for MAIL FROM. */
  private SmtpClient open(MxResolver.Hop hop, boolean lmtp, Credentials cred, TlsRequirement tls, boolean tryTls)
      throws HostUnavailable {
    String what = hop.host() + "[" + hop.address().getAddress().getHostAddress() + "]:" + hop.address().getPort();
    SmtpClient c;
    try {
      c = SmtpClient.connect(hop.address(), hop.host(), lmtp, timeouts, source(hop.address().getAddress()));
    } catch (IOException e) {
      throw new HostUnavailable("4.4.1 connect to " + what + ": " + e.getMessage());
    }
    try {
      if (c.greeting().code() != 220) {
        c.quit();
        throw new HostUnavailable(c.greeting().status() + " host " + c.peer() + " refused to talk to me: " + c.greeting());
      }
      String me = config.hostname();
      ClientReply hello = c.hello(me);
      if (!hello.positive()) {
        c.quit();
        throw new HostUnavailable(hello.status() + " host " + c.peer() + " said: " + hello + " (in reply to " + (lmtp ? "LHLO" : "EHLO/HELO") + " command)");
      }
      Dane.HostPolicy dane = tls.daneFor(hop.host());
      if (dane instanceof Dane.HostPolicy.Failed f) {
        c.quit();
        throw new HostUnavailable("4.7.5 " + f.why() + " (DANE, RFC 7672 §2.2)", ResultType.DNSSEC_INVALID, c);
      } else if (dane instanceof Dane.HostPolicy.Usable u) {
        requireTls(c, me, hop, what, new TlsRequirement(TlsPolicy.Level.ENCRYPT, tls.nexthop(), "dane"));
        java.util.Optional<String> bad = Dane.verify(u.records(), c.peerCertificates(), List.of(hop.host(), tls.nexthop()));
        if (bad.isPresent()) {
          c.quit();
          throw new HostUnavailable("4.7.5 DANE authentication of " + what + " failed: " + bad.get(), ResultType.TLSA_INVALID, c);
        }
      } else if (dane instanceof Dane.HostPolicy.Unusable) {
        requireTls(c, me, hop, what, new TlsRequirement(TlsPolicy.Level.ENCRYPT, tls.nexthop(), "dane: TLSA records, none usable"));
      } else if (tls.level() == TlsPolicy.Level.DANE_ONLY) {
        c.quit();
        throw new HostUnavailable("4.7.5 " + hop.host() + " has no DNSSEC-validated usable TLSA records (" + tls.source() + ": dane-only)",
            ResultType.DANE_REQUIRED, c);
      } else if (tls.level().mandatory()) {
        requireTls(c, me, hop, what, tls);
      } else if (tryTls && c.has("STARTTLS")) {
        try {
          ClientReply r = c.startTls(me);
          if (!r.positive() && cred != null) {
            c.quit();
            throw new HostUnavailable("4.7.0 host " + c.peer() + " refused STARTTLS: " + r);
          }
        } catch (SSLException e) {
          c.close();
          if (cred != null) {
            throw new HostUnavailable("4.7.5 TLS handshake with " + what + " failed: " + e.getMessage());
          }
          // opportunistic TLS falls back to plain text, as Postfix does at level "may"
          return open(hop, lmtp, null, tls, false);
        }
      }
      if (cred != null) {
        if (!c.isTls()) {
          c.quit();
          throw new HostUnavailable("4.7.0 host " + c.peer() + " offers no STARTTLS; credentials not sent in clear text");
        }
        ClientReply a = c.auth(cred.user(), cred.password());
        if (a.code() != 235) {
          c.quit();
          throw new HostUnavailable(
              "4.7.0 SASL authentication failed for " + cred.user() + " at " + c.peer() + ": " + a);
        }
      }
      return c;
    } catch (IOException e) {
      c.close();
      throw new HostUnavailable("4.4.2 conversation with " + what + " failed: " + e.getMessage());
    }
  }

  /**
   * STARTTLS that must succeed ({@code encrypt}, {@code verify}, {@code secure}, MTA-STS enforce): a host
   * that does not offer it, refuses it, fails the handshake or (for the verifying levels) presents a
   * certificate we do not trust or that names someone else is given up with a 4.7.x status; the
   * message is never sent in clear text (RFC 8461 §5, Postfix's mandatory TLS levels).
   */
  private void requireTls(SmtpClient c, String me, MxResolver.Hop hop, String what, TlsRequirement tls)
      throws HostUnavailable, IOException {
    String why = "TLS is required for " + tls.nexthop() + " (" + tls.source() + ": " + tls.level().word() + ")";
    if (!c.has("STARTTLS")) {
      c.quit();
      throw new HostUnavailable("4.7.4 " + why + ", but " + c.peer() + " offers no STARTTLS", ResultType.STARTTLS_NOT_SUPPORTED, c);
    }
    try {
      ClientReply r = c.startTls(me, tls.level().verifies() ? trusted().context() : null);
      if (!r.positive()) {
        c.quit();
        throw new HostUnavailable("4.7.4 " + why + ", but " + c.peer() + " refused STARTTLS: " + r, ResultType.STARTTLS_NOT_SUPPORTED, c);
      }
    } catch (SSLException e) {
      c.close();
      throw new HostUnavailable("4.7.5 " + why + ": TLS with " + what + " failed: " + e.getMessage(), ResultType.ofHandshake(e), c);
    }
    if (tls.level().verifies()) {
      List<String> names = CertificateNames.dnsNames(c.peerCertificates());
      if (!tls.satisfiedBy(names, hop.host())) {
        c.quit();
        throw new HostUnavailable("4.7.5 " + why + ": the certificate of " + what + " names " + names
            + ", not " + tls.expected(hop.host()), ResultType.CERTIFICATE_HOST_MISMATCH, c);
      }
    }
  }

  private volatile TrustedTls trusted;

  /** The verifying TLS context, made at first use (reading {@code [delivery] tls_trust}). */
  private TrustedTls trusted() throws HostUnavailable {
    TrustedTls t = trusted;
    if (t == null) {
      try {
        t = TrustedTls.create(config.tlsPolicy().trust());
      } catch (IOException e) {
        throw new HostUnavailable("4.7.5 cannot verify certificates: " + e.getMessage());
      }
      trusted = t;
    }
    return t;
  }

  /**
   * Sends from the address the smtp service listens on when that is one specific address, so that
   * peers see the same address for our outbound mail as our MX record names (SPF, iprev), like
   * Postfix does with a single {@code inet_interfaces} address. A loopback listener is used only for
   * loopback destinations (lab set-ups with several instances on 127.0.0.x), as it cannot reach others.
   */
  private java.net.InetAddress source(java.net.InetAddress destination) {
    java.net.InetAddress listen = config.listen().get("smtp").map(InetSocketAddress::getAddress).orElse(null);
    if (listen == null || listen.isAnyLocalAddress()) {
      return null;
    }
    if (listen.isLoopbackAddress() && !destination.isLoopbackAddress()) {
      return null;
    }
    if ((listen instanceof java.net.Inet4Address) != (destination instanceof java.net.Inet4Address)) {
      return null;
    }
    return listen;
  }

  private Outcome transact(QueuedMessage m, List<RemoteDelivery.Target> targets, SmtpClient c, boolean lmtp)
      throws IOException {
    Envelope env = m.envelope();
    String sender = targets.getFirst().sender(); // RemoteDelivery groups the targets by sender
    byte[] prefix = m.headers().getBytes(StandardCharsets.UTF_8);
    long size = prefix.length + m.size();
    MessageScan scan = null;
    if (c.sizeLimit() > 0 && size > c.sizeLimit()) {
      return permAll(targets, "5.3.4 message size " + size + " exceeds size limit " + c.sizeLimit() + " of server " + c.peer());
    }
    boolean utf8 = false;
    if (env.smtpUtf8()) {
      scan = MessageScan.of(spool, m);
      boolean needed = scan.eightBitHeaders() || !isAscii(sender) || targets.stream().anyMatch(t -> !isAscii(t.address()));
      if (needed && !c.has("SMTPUTF8")) {
        // RFC 6531 §3.2: an SMTPUTF8 message must not go to a server that lacks the extension
        return permAll(targets, "5.6.7 host " + c.peer() + " does not support SMTPUTF8, which this message needs");
      }
      utf8 = needed || c.has("SMTPUTF8");
    }
    boolean eightBit = false;
    if (env.body().equals("8BITMIME")) {
      if (scan == null) {
        scan = MessageScan.of(spool, m);
      }
      if (scan.eightBit() && !c.has("8BITMIME")) {
        // We bounce instead of converting to quoted-printable: conversion would break signatures
        // (DKIM) and a peer without 8BITMIME is rare today.
        return permAll(targets, "5.6.3 host " + c.peer() + " does not support 8BITMIME, which this 8-bit message needs");
      }
      eightBit = c.has("8BITMIME");
    }
    boolean dsn = c.has("DSN");
    List<String> mailParams = new ArrayList<>();
    if (c.sizeLimit() >= 0 && c.has("SIZE")) {
      mailParams.add("SIZE=" + size);
    }
    if (eightBit) {
      mailParams.add("BODY=8BITMIME");
    }
    if (utf8) {
      mailParams.add("SMTPUTF8");
    }
    if (env.requireTls() && c.has("REQUIRETLS")) {
      mailParams.add("REQUIRETLS");
    }
    if (dsn) {
      env.ret().ifPresent(r -> mailParams.add("RET=" + r));
      env.envid().ifPresent(e -> mailParams.add("ENVID=" + Xtext.encode(e)));
    }
    List<SmtpClient.Rcpt> rcpts = new ArrayList<>();
    for (RemoteDelivery.Target t : targets) {
      List<String> params = new ArrayList<>();
      if (dsn) {
        Envelope.Recipient r = env.recipients().get(t.index());
        if (!r.notifyOn().isEmpty()) {
          params.add("NOTIFY=" + String.join(",", r.notifyOn()));
        }
        // RFC 3461 §4.2: keep the original recipient across alias expansion
        r.orcpt().or(() -> r.address().equals(t.address()) ? java.util.Optional.empty() : java.util.Optional.of("rfc822;" + Xtext.encode(r.address())))
            .ifPresent(o -> params.add("ORCPT=" + o));
      }
      rcpts.add(new SmtpClient.Rcpt(t.address(), params));
    }
    SmtpClient.Result res =
        c.send(
            new SmtpClient.Transaction(sender, mailParams, rcpts),
            out -> {
              out.write(prefix);
              try (InputStream in = spool.openMessage(m)) {
                in.transferTo(out);
              }
            });
    List<RecipientStatus> out = new ArrayList<>();
    int accepted = 0;
    for (int k = 0; k < targets.size(); k++) {
      ClientReply rr = res.rcpt().get(k);
      if (!res.mail().positive()) {
        out.add(failure(res.mail(), c, "MAIL FROM"));
        continue;
      }
      if (!rr.positive()) {
        out.add(failure(rr, c, "RCPT TO"));
        continue;
      }
      if (res.dataFailure() != null) {
        out.add(failure(res.dataFailure(), c, "DATA"));
        continue;
      }
      ClientReply end = res.end().get(lmtp ? accepted : 0);
      accepted++;
      if (!end.positive()) {
        out.add(failure(end, c, "end of DATA"));
        continue;
      }
      RecipientStatus.Kind kind =
          lmtp ? RecipientStatus.Kind.DELIVERED
              : dsn ? RecipientStatus.Kind.DSN_PASSED_ON : RecipientStatus.Kind.RELAYED;
      out.add(new RecipientStatus.Delivered(Instant.now(), end.status() + " host " + c.peer() + " said: " + end, kind));
    }
    return new Outcome.Answered(out);
  }

  private static RecipientStatus failure(ClientReply r, SmtpClient c, String stage) {
    String text = r.status() + " host " + c.peer() + " said: " + r + " (in reply to " + stage + " command)";
    return r.permanentFailure()
        ? new RecipientStatus.PermFail(Instant.now(), text)
        : new RecipientStatus.TempFail(Instant.now(), 0, text);
  }

  private static Outcome permAll(List<RemoteDelivery.Target> targets, String text) {
    RecipientStatus s = new RecipientStatus.PermFail(Instant.now(), text);
    return new Outcome.Answered(targets.stream().map(t -> s).toList());
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(ch -> ch < 128);
  }
}
