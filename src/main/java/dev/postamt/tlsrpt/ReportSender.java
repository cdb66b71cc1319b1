package dev.postamt.tlsrpt;

import dev.postamt.config.Config;
import dev.postamt.dns.Resolver;
import dev.postamt.mailauth.dkim.DkimSigner;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.Envelope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one day's reports (RFC 8460 §5): for each policy domain with results, its {@code rua} from DNS;
 * the report gzipped to each {@code mailto:} address as a message put into our queue (so it is
 * DKIM-signed, retried and bounced like any mail we send) and to each {@code https:} URI as a POST of
 * {@code application/tlsrpt+gzip} (§5.4: a 2xx answer is success; redirects are not followed). A domain
 * whose report reached at least one of its URIs, or that publishes no record, is forgotten for that
 * day (so no URI gets it twice); one whose report went nowhere is kept for the next run.
 */
public final class ReportSender {
  private static final Logger log = LoggerFactory.getLogger(ReportSender.class);
  /** The envelope protocol of queued reports ({@code queue show}). */
  static final String PROTOCOL = "TLSRPT";
  private static final Duration POST_TIMEOUT = Duration.ofSeconds(60);

  private final Config config;
  private final Resolver dns;
  private final DurableSpool spool;
  private final Consumer<String> submit;
  private final SSLContext https;
  private final Clock clock;

  /**
   * @param submit hands a committed spool id to the queue (the running scheduler, or the control socket)
   * @param https the TLS context for {@code https:} report URIs: verifying, with the trust of {@code
   *     [delivery] tls_trust}
   */
  public ReportSender(Config config, Resolver dns, DurableSpool spool, Consumer<String> submit, SSLContext https, Clock clock) {
    this.config = config;
    this.dns = dns;
    this.spool = spool;
    this.submit = submit;
    this.https = https;
    this.clock = clock;
  }

  /**
   * A sender for {@code config}, POSTing with the JDK's trust store plus {@code [delivery] tls_trust};
   * without usable trust settings only {@code mailto:} reports go out.
   */
  public static ReportSender create(Config config, Resolver dns, DurableSpool spool, Consumer<String> submit) {
    SSLContext ctx;
    try {
      ctx = dev.postamt.delivery.tls.TrustedTls.create(config.tlsPolicy().trust()).context();
    } catch (IOException e) {
      log.warn("tlsrpt: https reports cannot be verified: {}", e.getMessage());
      ctx = null;
    }
    return new ReportSender(config, dns, spool, submit, ctx, Clock.systemUTC());
  }

  /** The reports {@code day} would produce, one per policy domain, without sending anything. */
  public List<Report> reports(TlsReports results, LocalDate day) {
    List<Report> out = new ArrayList<>();
    for (Map.Entry<String, List<TlsReports.PolicyResults>> e : results.day(day).entrySet()) {
      out.add(new Report(e.getKey(), day, config.tlsRpt().organization(), config.tlsRpt().contact(),
          config.tlsRpt().submitter(), e.getValue()));
    }
    return out;
  }

  /** Sends {@code day}'s reports; one line per domain saying what happened. */
  public List<String> send(TlsReports results, LocalDate day) {
    List<String> lines = new ArrayList<>();
    for (Report r : reports(results, day)) {
      Optional<RuaRecord> rua = RuaRecord.lookup(dns, r.domain());
      if (rua.isEmpty()) {
        results.forget(day, r.domain());
        lines.add(r.domain() + ": no _smtp._tls." + r.domain() + " TLSRPTv1 record; nothing sent");
        continue;
      }
      List<String> done = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      if (!rua.get().mailto().isEmpty()) {
        try {
          String id = queue(r, rua.get().mailto());
          done.add("queued " + id + " to " + String.join(", ", rua.get().mailto()));
        } catch (IOException e) {
          failed.add("mailto: " + e.getMessage());
        }
      }
      for (URI u : rua.get().https()) {
        try {
          int status = post(r, u);
          if (status / 100 == 2) {
            done.add("posted to " + u + " (" + status + ")");
          } else {
            failed.add(u + " answered " + status);
          }
        } catch (IOException e) {
          failed.add(u + ": " + e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed.add(u + ": interrupted");
        }
      }
      if (!done.isEmpty()) {
        results.forget(day, r.domain()); // sent to one rua at least: not again to the ones that took it
      }
      String line = r.domain() + ": report " + r.id() + ": " + String.join("; ", done)
          + (failed.isEmpty() ? "" : (done.isEmpty() ? "" : "; ") + "not sent: " + String.join("; ", failed)
              + (done.isEmpty() ? " (kept for the next run)" : ""));
      log.info("tlsrpt: {}", line);
      lines.add(line);
    }
    return lines;
  }

  /** Puts the report message into the queue, DKIM-signed for the submitter's domain when it has a key. */
  private String queue(Report r, List<String> to) throws IOException {
    String from = config.tlsRpt().from();
    byte[] message = ReportMail.compose(r, from, to, clock.instant().atZone(ZoneOffset.UTC));
    Optional<DkimSigner> signer = DkimSigner.forDomain(config.dataDir(), config.tlsRpt().submitter());
    String signature = signer.isPresent() ? signer.get().sign(message) : "";
    String id = DurableSpool.newId();
    try (DurableSpool.Writer w = spool.create(id)) {
      w.out().write(message);
      w.commit(new Envelope(id, clock.instant(), from, to.stream().map(Envelope.Recipient::of).toList(), "7BIT", false,
          Optional.empty(), Optional.empty(), config.hostname(), "", Optional.empty(), PROTOCOL), signature);
    }
    submit.accept(id);
    return id;
  }

  private int post(Report r, URI u) throws IOException, InterruptedException {
    if (https == null) {
      throw new IOException("no TLS trust settings (see the log at start)");
    }
    try (HttpClient client = HttpClient.newBuilder().sslContext(https).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(POST_TIMEOUT).build()) {
      HttpRequest req = HttpRequest.newBuilder(u).timeout(POST_TIMEOUT)
          .header("Content-Type", "application/tlsrpt+gzip")
          .header("User-Agent", "Postamt")
          .POST(HttpRequest.BodyPublishers.ofByteArray(r.gzip())).build();
      return client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }
}
