package dev.postamt.smtp;

/**
 * The points of an SMTP conversation where {@link StageChecks} run, in the order a client reaches
 * them. Like Postfix's {@code smtpd_client_restrictions}, {@code smtpd_helo_restrictions}, {@code
 * smtpd_sender_restrictions}, {@code smtpd_recipient_restrictions}, {@code smtpd_data_restrictions}
 * and {@code smtpd_end_of_data_restrictions}.
 */
enum Stage {
  /** Before the greeting; a refusal is the only reply and ends the session. */
  CONNECT,
  /** HELO, EHLO or LHLO with a well-formed name, before the reply. */
  HELO,
  /** MAIL FROM, after its syntax and parameters were accepted. */
  MAIL,
  /** RCPT TO, after its syntax and parameters were accepted and the address was looked up. */
  RCPT,
  /** DATA, or the first BDAT of a transaction, before any message byte is read. */
  DATA,
  /** The whole message is in the spool, not yet committed; checks may add or drop header fields. */
  END_OF_DATA
}
