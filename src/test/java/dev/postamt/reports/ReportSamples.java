package dev.postamt.reports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Report documents and messages as reporters send them, for the tests. */
public final class ReportSamples {
  private ReportSamples() {}

  /** The start of yesterday (UTC): the reports cover that day, so a --since of a few days sees them. */
  public static final java.time.Instant YESTERDAY =
      java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(java.time.Duration.ofDays(1));

  /** A DMARC aggregate report from {@code org} about {@code domain}: two sources, one failing. */
  public static String dmarcXml(String org, String id, String domain) {
    return """
        <?xml version="1.0" encoding="UTF-8" ?>
        <feedback>
          <report_metadata>
            <org_name>%1$s</org_name>
            <email>noreply-dmarc-support@%1$s</email>
            <report_id>%2$s</report_id>
            <date_range><begin>%4$d</begin><end>%5$d</end></date_range>
          </report_metadata>
          <policy_published>
            <domain>%3$s</domain><adkim>r</adkim><aspf>r</aspf><p>quarantine</p><sp>quarantine</sp><pct>100</pct>
          </policy_published>
          <record>
            <row>
              <source_ip>192.0.2.10</source_ip>
              <count>7</count>
              <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated>
            </row>
            <identifiers><header_from>%3$s</header_from></identifiers>
            <auth_results>
              <dkim><domain>%3$s</domain><selector>s1</selector><result>pass</result></dkim>
              <spf><domain>%3$s</domain><result>pass</result></spf>
            </auth_results>
          </record>
          <record>
            <row>
              <source_ip>203.0.113.5</source_ip>
              <count>2</count>
              <policy_evaluated><disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated>
            </row>
            <identifiers><header_from>%3$s</header_from></identifiers>
            <auth_results><spf><domain>spammer.example</domain><result>softfail</result></spf></auth_results>
          </record>
        </feedback>
        """.formatted(org, id, domain, YESTERDAY.getEpochSecond(), YESTERDAY.getEpochSecond() + 86399);
  }

  public static String tlsJson(String org, String id, String domain) {
    return """
        {
          "organization-name": "%1$s",
          "date-range": {"start-datetime": "%4$s", "end-datetime": "%5$s"},
          "contact-info": "smtp-tls-reporting@%1$s",
          "report-id": "%2$s",
          "policies": [{
            "policy": {"policy-type": "sts", "policy-string": ["version: STSv1", "mode: enforce"],
                       "policy-domain": "%3$s", "mx-host": ["mx.%3$s"]},
            "summary": {"total-successful-session-count": 120, "total-failure-session-count": 3},
            "failure-details": [
              {"result-type": "certificate-expired", "sending-mta-ip": "198.51.100.7",
               "receiving-mx-hostname": "mx.%3$s", "failed-session-count": 2},
              {"result-type": "starttls-not-supported", "sending-mta-ip": "198.51.100.8",
               "receiving-mx-hostname": "mx.%3$s", "failed-session-count": 1}
            ]
          }]
        }
        """.formatted(org, id, domain, YESTERDAY, YESTERDAY.plusSeconds(86399));
  }

  public static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
      gz.write(data);
    }
    return b.toByteArray();
  }

  public static byte[] zip(String name, byte[] data) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(b)) {
      z.putNextEntry(new ZipEntry(name));
      z.write(data);
      z.closeEntry();
    }
    return b.toByteArray();
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A report message as Google or Microsoft send it: a text part and the compressed report attached. */
  public static byte[] message(String to, String type, String fileName, byte[] attachment) {
    String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment);
    return ("From: noreply-dmarc-support@google.example\r\n"
        + "To: " + to + "\r\n"
        + "Subject: Report domain: example.test Submitter: google.example Report-ID: 123\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
        + "\r\n"
        + "--b1\r\n"
        + "Content-Type: text/plain; charset=us-ascii\r\n"
        + "\r\n"
        + "This is an aggregate report.\r\n"
        + "--b1\r\n"
        + "Content-Type: " + type + "; name=\"" + fileName + "\"\r\n"
        + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "\r\n"
        + b64 + "\r\n"
        + "--b1--\r\n").getBytes(StandardCharsets.US_ASCII);
  }
}
