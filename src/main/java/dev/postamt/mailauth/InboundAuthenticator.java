package dev.postamt.mailauth;

import dev.postamt.dns.Resolver;
import dev.postamt.mime.HeaderSection;
import dev.postamt.mailauth.arc.ArcResult;
import dev.postamt.mailauth.arc.ArcVerifier;
import dev.postamt.mailauth.dkim.DkimResult;
import dev.postamt.mailauth.dkim.DkimSigner;
import dev.postamt.mailauth.dkim.DkimVerifier;
import dev.postamt.mailauth.dmarc.DmarcEvaluator;
import dev.postamt.mailauth.dmarc.DmarcResult;
import dev.postamt.mailauth.dmarc.FromDomain;
import dev.postamt.mailauth.dmarc.SpfOutcome;
import dev.postamt.mailauth.spf.SpfResult;
import dev.postamt.mailauth.spf.SpfVerifier;
import dev.postamt.queue.Envelope;
import dev.postamt.config.Config;
import dev.postamt.smtp.InboundCheck;
import dev.postamt.smtp.SmtpException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail-authentication stage of the inbound pipeline.
 *
 * <ul>
 *   <li>Port 25, not authenticated: SPF (MAIL FROM, else HELO), DKIM, DMARC, ARC and iprev, written into
 *       one {@code Authentication-Results:} field (RFC 8601) with our host name as authserv-id.
 *       Authentication-Results fields in the message that carry our authserv-id are forged (§5) and
 *       removed. A DMARC failure with {@code p=reject} (after pct) is refused with {@code 550 5.7.1}
 *       when {@code mailauth.reject_dmarc_failures} is on (RFC 7489 §6.7).
 *   <li>Port 25 mail that an alias forwards to a remote address: ARC-sealed (RFC 8617) with the
 *       forwarding domain's DKIM key, so the next hop can see our authentication results.
 *   <li>Authenticated submissions: signed with the DKIM keys of the From domain when it has any.
 * </ul>
 */
public final class InboundAuthenticator implements InboundCheck {
  private static final Logger log = LoggerFactory.getLogger(InboundAuthenticator.class);

  private final Config config;
  private final SpfVerifier spf;
  private final DkimVerifier dkim;
  private final DmarcEvaluator dmarc;
  private final Iprev iprev;
  private final ArcVerifier arc;
  private final Forwarding forwarding;
  private volatile DmarcObserver observer = DmarcObserver.NONE;

  /**
   * Tells which local domain forwards a message to a remote address (an alias to the outside), so that
   * the message is ARC-sealed (RFC 8617 §5.1) with that domain's DKIM key before it leaves.
   */
  @FunctionalInterface
  public interface Forwarding {
    /**
     * The domain of the first recipient that forwards to a remote address, if any.
     *
     * @param known what the router already said about some recipients (at RCPT): not asked again
     */
    Optional<String> sealingDomain(List<String> recipients, java.util.Map<String, dev.postamt.routing.Resolution> known);

    Forwarding NONE = (r, k) -> Optional.empty();
  }

  public InboundAuthenticator(Config config, Resolver resolver) {
    this(config, resolver, Forwarding.NONE);
  }

  public InboundAuthenticator(Config config, Resolver resolver, Forwarding forwarding) {
    this.forwarding = forwarding;
    this.config = config;
    this.spf = new SpfVerifier(resolver, config.hostname());
    this.dkim = new DkimVerifier(resolver);
    this.dmarc = new DmarcEvaluator(resolver);
    this.iprev = new Iprev(resolver);
    this.arc = new ArcVerifier(resolver);
  }

  /** Tells {@code o} every DMARC evaluation of inbound mail from now on (DMARC aggregate reports). */
  public InboundAuthenticator observing(DmarcObserver o) {
    this.observer = o;
    return this;
  }

  /** Like Postfix's {@code hopcount_limit}: more Received: fields than this is a mail loop. */
  static final int MAX_HOPS = 50;

  @Override
  public Result check(Session session, Envelope env, Supplier<InputStream> message)
      throws SmtpException, IOException {
    HeaderSection headers;
    try (InputStream in = message.get()) {
      headers = HeaderSection.read(in);
    }
    int hops = headers.all("Received").size();
    if (hops > MAX_HOPS) {
      throw new SmtpException(554, "5.4.6", "Error: too many hops (" + hops + " Received: fields); mail loop?");
    }
    if (session.authenticated()) {
      return sign(headers, message);
    }
    if (!session.service().equals("smtp") || !config.mailauth().addAuthenticationResults()) {
      return Result.NOTHING;
    }
    Evaluation e = evaluate(InetAddress.ofLiteral(session.clientIp()), env.sender(), session.helo(), headers, message);
    observer.observed(InetAddress.ofLiteral(session.clientIp()), env.sender(), e);
    if (e.refuse()) {
      log.info("mailauth {}: refused by DMARC policy of {}: {}", session.clientIp(), e.dmarc().policyDomain(), e.dmarc().authResults());
      throw new SmtpException(550, "5.7.1", e.verdict().substring("reject: ".length()));
    }
    return new Result(arcSeal(env, session, e, message) + e.header(), e.forged());
  }

  /** The ARC set for a message we will forward, with the forwarding domain's key; "" otherwise. */
  private String arcSeal(Envelope env, Session session, Evaluation e, Supplier<InputStream> message) throws IOException {
    Optional<String> domain = forwarding.sealingDomain(env.recipientAddresses(), session.resolutions());
    if (domain.isEmpty()) {
      return "";
    }
    List<dev.postamt.mailauth.dkim.SigningKey> keys = dev.postamt.mailauth.dkim.DkimKeys.load(config.dataDir(), domain.get());
    if (keys.isEmpty()) {
      log.debug("mailauth: no DKIM key for {}: forwarded mail is not ARC-sealed", domain.get());
      return "";
    }
    try (InputStream in = message.get()) {
      return new dev.postamt.mailauth.arc.ArcSealer(keys.getFirst(), java.time.Clock.systemUTC())
          .seal(in, config.hostname(), e.resinfos(), e.arc(), null)
          .orElse("");
    }
  }

  /**
   * Everything the inbound checks found about one message.
   *
   * @param header the Authentication-Results field to add, CRLF-terminated
   * @param forged positions of Authentication-Results fields in the message that claim to be ours
   * @param refuse whether policy says to refuse the message
   * @param verdict one line: {@code accept}, {@code accept: quarantine (…)} or {@code reject: …}
   */
  public record Evaluation(
      SpfResult spf,
      List<DkimResult> dkim,
      DmarcResult dmarc,
      ArcResult arc,
      IprevResult iprev,
      List<String> resinfos,
      String header,
      List<Integer> forged,
      boolean refuse,
      String verdict) {}

  /** Runs SPF, iprev, DKIM, ARC and DMARC on a message; {@code message} is opened once per pass. */
  public Evaluation evaluate(InetAddress ip, String mailFrom, String helo, Supplier<InputStream> message)
      throws IOException {
    try (InputStream in = message.get()) {
      return evaluate(ip, mailFrom, helo, HeaderSection.read(in), message);
    }
  }

  /** The same with the header section already read: a message without signatures or seals is not read again. */
  private Evaluation evaluate(
      InetAddress ip, String mailFrom, String helo, HeaderSection headers, Supplier<InputStream> message)
      throws IOException {
    SpfResult spfResult = spf.check(ip, mailFrom, helo);
    IprevResult iprevResult = iprev.check(ip);
    List<DkimResult> dkimResults = List.of();
    if (!headers.all("DKIM-Signature").isEmpty()) {
      try (InputStream in = message.get()) {
        dkimResults = dkim.verify(in);
      }
    }
    ArcResult arcResult = ArcResult.NONE;
    if (!headers.all("ARC-Seal").isEmpty()
        || !headers.all("ARC-Message-Signature").isEmpty()
        || !headers.all("ARC-Authentication-Results").isEmpty()) {
      try (InputStream in = message.get()) {
        arcResult = arc.verify(in);
      }
    }
    DmarcResult dmarcResult =
        dmarc.evaluate(headers, new SpfOutcome(spfResult.result().keyword(), spfResult.domain()), dkimResults);
    List<String> resinfo = new ArrayList<>();
    resinfo.add(spfResult.authenticationResult());
    if (dkimResults.isEmpty()) {
      resinfo.add(DkimResult.noneAuthResults());
    } else {
      dkimResults.forEach(r -> resinfo.add(r.authResults()));
    }
    resinfo.add(dmarcResult.authResults());
    resinfo.add(arcResult.authResults());
    resinfo.add(iprevResult.authenticationResult());
    boolean refuse = dmarcResult.reject() && config.mailauth().rejectDmarcFailures();
    String verdict =
        refuse
            ? "reject: Email rejected per DMARC policy for " + dmarcResult.fromDomain()
            : dmarcResult.reject()
                ? "accept: DMARC p=reject failure accepted (mailauth.reject_dmarc_failures = false)"
                : dmarcResult.quarantine() ? "accept: quarantine (DMARC policy of " + dmarcResult.policyDomain() + ")" : "accept";
    return new Evaluation(
        spfResult,
        dkimResults,
        dmarcResult,
        arcResult,
        iprevResult,
        List.copyOf(resinfo),
        AuthenticationResults.header(config.hostname(), resinfo),
        forged(headers),
        refuse,
        verdict);
  }

  /** Positions of Authentication-Results fields whose authserv-id is ours (RFC 8601 §5). */
  private List<Integer> forged(HeaderSection headers) {
    List<Integer> out = new ArrayList<>();
    List<HeaderSection.Field> fields = headers.fields();
    for (int i = 0; i < fields.size(); i++) {
      HeaderSection.Field f = fields.get(i);
      if (f.is("Authentication-Results") && authservId(f.value()).equalsIgnoreCase(config.hostname())) {
        out.add(i);
      }
    }
    return out;
  }

  /** The authserv-id: the first token of the value, before ';' or white space, comments skipped. */
  static String authservId(String value) {
    String v = value.replaceAll("\\([^)]*\\)", " ").trim();
    int end = 0;
    while (end < v.length() && v.charAt(end) != ';' && !Character.isWhitespace(v.charAt(end))) {
      end++;
    }
    return v.substring(0, end);
  }

  /** DKIM-signs mail from authenticated users with the keys of their From domain, when it has any. */
  private Result sign(HeaderSection headers, Supplier<InputStream> message) throws IOException {
    FromDomain.Result from = FromDomain.of(headers);
    if (!from.ok()) {
      return Result.NOTHING;
    }
    Optional<DkimSigner> signer = DkimSigner.forDomain(config.dataDir(), from.domain().toLowerCase(Locale.ROOT));
    if (signer.isEmpty()) {
      return Result.NOTHING;
    }
    try (InputStream in = message.get()) {
      return new Result(signer.get().sign(in), List.of());
    }
  }
}
