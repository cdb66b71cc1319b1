package dev.postamt.smtp;

import dev.postamt.queue.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * Examines a received message before it is committed (SPF, DKIM, DMARC, signing, later spam and
 * virus checks). It returns the header lines to add in front of the message and the header fields of
 * the message to drop (forged Authentication-Results), or throws {@link SmtpException} to refuse it.
 */
@FunctionalInterface
public interface InboundCheck {
  Result check(Session session, Envelope envelope, Supplier<InputStream> message)
      throws SmtpException, IOException;

  /**
   * What the check may know about the SMTP session.
   *
   * @param resolutions what the router said at RCPT, by recipient address (may lack some: ask the router then)
   */
  record Session(String service, String clientIp, String helo, boolean tls, boolean authenticated,
      java.util.Map<String, dev.postamt.routing.Resolution> resolutions) {
    public Session(String service, String clientIp, String helo, boolean tls, boolean authenticated) {
      this(service, clientIp, helo, tls, authenticated, java.util.Map.of());
    }
  }

  /**
   * @param headers fields to add in front of the message, each CRLF-terminated (may be empty)
   * @param dropFields 0-based positions of header fields of the message to remove
   */
  record Result(String headers, List<Integer> dropFields) {
    public static final Result NOTHING = new Result("", List.of());
  }

  InboundCheck NONE = (s, e, m) -> Result.NOTHING;
}
