package dev.postamt.smtp;

/**
 * Carries the reply for a command that failed. Thrown by command code, caught once by the session,
 * which sends the reply and counts the error. {@code close} ends the session after the reply.
 */
public final class SmtpException extends Exception {
  private final SmtpReply reply;
  private final boolean close;

  public SmtpException(SmtpReply reply) {
    this(reply, false);
  }

  public SmtpException(SmtpReply reply, boolean close) {
    super(reply.toString(), null, false, false);
    this.reply = reply;
    this.close = close;
  }

  public SmtpException(int code, String enhanced, String text) {
    this(new SmtpReply(code, enhanced, text));
  }

  public SmtpReply reply() {
    return reply;
  }

  public boolean close() {
    return close;
  }
}
