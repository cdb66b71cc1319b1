package dev.postamt.smtp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a BURL command (RFC 4468) needs from the mail store: the octets an IMAP URL names, fetched for
 * the submitting user. The server wires in the IMAP package's URLAUTH verification ({@code
 * imap.UrlAuthority}), which reads the store in-process: the RFC's submit server logs in to the IMAP
 * server as a "submit" user and sends URLFETCH, which here would be a loopback connection and a
 * password to configure for nothing.
 */
public interface BurlResolver {
  /** The content of a URL: exactly {@code size} octets from {@code in}; closing it releases the message. */
  record Content(InputStream in, long size) implements Closeable {
    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Why a URL cannot be used, as the SMTP reply to give (RFC 4468 §6 lists the usual ones). */
  final class Refused extends Exception {
    private final SmtpReply reply;

    public Refused(int code, String enhanced, String text) {
      super(text);
      this.reply = new SmtpReply(code, enhanced, text);
    }

    public SmtpReply reply() {
      return reply;
    }
  }

  /**
   * Opens what {@code url} names for {@code submitter} (the authenticated SMTP user): a URLAUTH URL with
   * the access identifier {@code submit+<submitter>} (RFC 4467 §3), or a plain URL of one of the
   * submitter's own mailboxes (the trust relationship of RFC 4468 §3.3).
   */
  Content open(String url, String submitter) throws Refused;
}
