package dev.postamt.smtp;

import dev.postamt.queue.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * Examines a received message before it is committed (SPF, DKIM, DMARC, spam, virus…). Returns the
 * header lines to add in front of the message (CRLF-terminated, may be empty) or throws {@link
 * SmtpException} to refuse it.
 */
@FunctionalInterface
public interface InboundCheck {
  String check(Session session, Envelope envelope, Supplier<InputStream> message)
      throws SmtpException, IOException;

  /** What the check may know about the SMTP session. */
  record Session(String service, String clientIp, String helo, boolean tls, boolean authenticated) {}

  InboundCheck NONE = (s, e, m) -> "";
}
