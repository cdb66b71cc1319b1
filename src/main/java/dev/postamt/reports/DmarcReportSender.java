package dev.postamt.reports;

import dev.postamt.config.Config;
import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.mailauth.dmarc.DmarcRecord;
import dev.postamt.mailauth.dmarc.PublicSuffixList;
import dev.postamt.mime.MailDate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends our DMARC aggregate reports (RFC 7489 §7.2): for one UTC day, one report per sender domain whose
 * DMARC record asks for them with {@code rua=mailto:}, built from the evaluations {@link DmarcRecorder}
 * counted, gzipped (§7.2.1.1 file name), and queued as an ordinary message from {@code [reports] email}.
 *
 * <p>External destinations are verified (§7.1): an {@code rua} address outside the policy domain's
 * organizational domain is used only when {@code <policy-domain>._report._dmarc.<rua-domain>} has a TXT
 * record starting {@code v=DMARC1}; otherwise that address is skipped and said so. A size limit on a URI
 * ({@code mailto:a@b!10m}) is honoured by skipping that address when the report is larger. A report goes
 * out once per day and domain (recorded in the {@link ReportStore}); a DNS failure leaves it for the next
 * run.
 */
public final class DmarcReportSender {
  private static final Logger log = LoggerFactory.getLogger(DmarcReportSender.class);

  /** How a built report is queued: sender, recipients, message; returns the queue id. */
  @FunctionalInterface
  public interface Outbox {
    String queue(String sender, List<String> recipients, byte[] message) throws IOException;
  }

  /** What happened for one domain, as one line. */
  public record Outcome(String domain, boolean sent, String line) {}

  private final Config config;
  private final ReportStore store;
  private final Resolver resolver;
  private final Clock clock;
  private final PublicSuffixList psl = PublicSuffixList.bundled();

  public DmarcReportSender(Config config, ReportStore store, Resolver resolver, Clock clock) {
    this.config = config;
    this.store = store;
    this.resolver = resolver;
    this.clock = clock;
  }

  /** The UTC day before today: the one the daily run reports on. */
  public LocalDate yesterday() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
  }

  /** Sends (or with {@code outbox} null, only describes) the reports for {@code day}. */
  public List<Outcome> send(LocalDate day, Outbox outbox) throws ReportException {
    List<Outcome> out = new ArrayList<>();
    for (String domain : store.observedDomains(day)) {
      try {
        out.add(one(day, domain, outbox));
      } catch (IOException e) {
        out.add(new Outcome(domain, false, domain + ": cannot queue the report: " + e.getMessage()));
      }
    }
    return out;
  }

  private Outcome one(LocalDate day, String domain, Outbox outbox) throws ReportException, IOException {
    if (store.sent(day, domain)) {
      return new Outcome(domain, false, domain + ": already sent for " + day);
    }
    DnsResult<String> txt = resolver.txt("_dmarc." + domain);
    if (txt.status() == DnsResult.Status.TEMPFAIL) {
      return new Outcome(domain, false, domain + ": DNS error looking up _dmarc." + domain + "; tried again next time");
    }
    List<String> records = txt.records().stream().filter(r -> r.strip().toLowerCase(Locale.ROOT).startsWith("v=dmarc1")).toList();
    Optional<DmarcRecord> rec = records.size() == 1 ? DmarcRecord.parse(records.getFirst()) : Optional.empty();
    if (rec.isEmpty()) {
      return new Outcome(domain, false, domain + ": no usable DMARC record any more; nothing sent");
    }
    List<Rua> rua = rua(records.getFirst());
    if (rua.isEmpty()) {
      return new Outcome(domain, false, domain + ": the DMARC record asks for no aggregate reports (no rua=mailto:)");
    }
    List<String> skipped = new ArrayList<>();
    List<Rua> allowed = new ArrayList<>();
    for (Rua r : rua) {
      String why = externalRefusal(domain, r.address());
      if (why == null) {
        allowed.add(r);
      } else {
        skipped.add(r.address() + " (" + why + ")");
      }
    }
    String reportId = day.toString().replace("-", "") + "." + domain + "." + config.hostname();
    Instant begin = day.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1);
    DmarcRecord r = rec.get();
    AggregateReportXml.Published published = new AggregateReportXml.Published(domain, r.strictDkim() ? "s" : "r",
        r.strictSpf() ? "s" : "r", r.policy().token(), r.subdomainPolicy().orElse(r.policy()).token(), r.percent());
    List<ReportStore.Observed> rows = store.observed(day, domain);
    long messages = rows.stream().mapToLong(ReportStore.Observed::count).sum();
    byte[] gz = gzip(AggregateReportXml.write(config.reports().organization(), config.reports().email(), reportId,
        begin, end, published, rows));
    String fileName = config.hostname() + "!" + domain + "!" + begin.getEpochSecond() + "!" + end.getEpochSecond() + ".xml.gz";
    List<String> to = new ArrayList<>();
    for (Rua a : allowed) {
      if (a.maxBytes() > 0 && gz.length > a.maxBytes()) {
        skipped.add(a.address() + " (the report is larger than its limit of " + a.maxBytes() + " bytes)");
      } else {
        to.add(a.address());
      }
    }
    String skippedText = skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped);
    if (to.isEmpty()) {
      return new Outcome(domain, false, domain + ": no rua address may receive the report" + skippedText);
    }
    String what = "report " + reportId + " (" + messages + " messages, " + rows.size() + " rows) to " + String.join(", ", to);
    if (outbox == null) {
      return new Outcome(domain, false, domain + ": would send " + what + skippedText);
    }
    byte[] message = signed(message(domain, reportId, to, fileName, gz));
    String queueId = outbox.queue(config.reports().email(), to, message);
    store.markSent(day, domain, reportId, String.join(", ", to));
    log.info("reports: DMARC aggregate {} queued as {}{}", what, queueId, skippedText);
    return new Outcome(domain, true, domain + ": sent " + what + " as queue id " + queueId + skippedText);
  }

  /** One {@code rua} mailto: destination, with its size limit in bytes (0: none). */
  record Rua(String address, long maxBytes) {}

  /** The {@code mailto:} URIs of {@code rua=} (RFC 7489 §6.4: comma-separated, each with an optional {@code !size}). */
  static List<Rua> rua(String record) {
    List<Rua> out = new ArrayList<>();
    for (String tag : record.split(";")) {
      int eq = tag.indexOf('=');
      if (eq < 0 || !tag.substring(0, eq).strip().equalsIgnoreCase("rua")) {
        continue;
      }
      for (String uri : tag.substring(eq + 1).split(",")) {
        String u = uri.strip();
        if (!u.toLowerCase(Locale.ROOT).startsWith("mailto:")) {
          continue;
        }
        u = u.substring("mailto:".length());
        long max = 0;
        int bang = u.lastIndexOf('!');
        if (bang > 0) {
          max = size(u.substring(bang + 1));
          u = u.substring(0, bang);
        }
        int q = u.indexOf('?');
        if (q >= 0) {
          u = u.substring(0, q);
        }
        String address = java.net.URLDecoder.decode(u.replace("+", "%2B"), StandardCharsets.UTF_8);
        if (address.matches("[^@\\s,<>]+@[A-Za-z0-9.-]+")
            && out.stream().noneMatch(r -> r.address().equalsIgnoreCase(address))) {
          out.add(new Rua(address, max));
        }
      }
    }
    return out;
  }

  private static long size(String s) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})([kmgt]?)", java.util.regex.Pattern.CASE_INSENSITIVE)
        .matcher(s.strip());
    if (!m.matches()) {
      return 0;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      case "t" -> n << 40;
      default -> n;
    };
  }

  /** Null when {@code address} may receive reports about {@code domain}; else why not (RFC 7489 §7.1). */
  private String externalRefusal(String domain, String address) {
    String target = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    if (psl.organizationalDomain(target).equals(psl.organizationalDomain(domain))) {
      return null;
    }
    String name = domain + "._report._dmarc." + target;
    DnsResult<String> txt = resolver.txt(name);
    if (txt.status() == DnsResult.Status.TEMPFAIL) {
      return "DNS error looking up " + name;
    }
    boolean ok = txt.records().stream().anyMatch(r -> r.strip().toLowerCase(Locale.ROOT).startsWith("v=dmarc1"));
    return ok ? null : target + " does not accept reports for " + domain + ": no v=DMARC1 at " + name;
  }

  private static byte[] gzip(String xml) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
      gz.write(xml.getBytes(StandardCharsets.UTF_8));
    }
    return b.toByteArray();
  }

  /**
   * The message with a DKIM signature of the sender's domain in front, when that domain has a key
   * ({@code postamt dkim keygen}): RFC 7489 §7.2.1.1 wants report messages to pass DMARC themselves.
   */
  private byte[] signed(byte[] message) throws IOException {
    String email = config.reports().email();
    Optional<dev.postamt.mailauth.dkim.DkimSigner> signer = dev.postamt.mailauth.dkim.DkimSigner.forDomain(
        config.dataDir(), email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
    if (signer.isEmpty()) {
      return message;
    }
    byte[] header = signer.get().sign(message).getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[header.length + message.length];
    System.arraycopy(header, 0, out, 0, header.length);
    System.arraycopy(message, 0, out, header.length, message.length);
    return out;
  }

  /** The report message (RFC 7489 §7.2.1.1: the subject, a short text part, the gzip attachment). */
  private byte[] message(String domain, String reportId, List<String> to, String fileName, byte[] gz) {
    ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    String boundary = "=_postamt_" + Long.toHexString(now.toInstant().toEpochMilli()) + "_" + Integer.toHexString(domain.hashCode());
    StringBuilder b = new StringBuilder();
    b.append("From: ").append(config.reports().email()).append("\r\n");
    b.append("To: ").append(String.join(", ", to)).append("\r\n");
    b.append("Subject: Report Domain: ").append(domain).append(" Submitter: ").append(config.hostname())
        .append(" Report-ID: <").append(reportId).append(">\r\n");
    b.append("Date: ").append(MailDate.format(now)).append("\r\n");
    b.append("Message-ID: <").append(reportId).append('@').append(config.hostname()).append(">\r\n");
    b.append("Auto-Submitted: auto-generated\r\n");
    b.append("MIME-Version: 1.0\r\n");
    b.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
    b.append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
    b.append("This is a DMARC aggregate report (RFC 7489) from ").append(config.reports().organization())
        .append(" about mail from ").append(domain).append(".\r\n\r\n");
    b.append("--").append(boundary).append("\r\nContent-Type: application/gzip; name=\"").append(fileName)
        .append("\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"")
        .append(fileName).append("\"\r\n\r\n");
    String base64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gz);
    b.append(base64).append("\r\n--").append(boundary).append("--\r\n");
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
