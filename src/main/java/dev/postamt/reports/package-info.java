/**
 * DMARC aggregate reports (RFC 7489 §7.2) and SMTP TLS reports (RFC 8460): the ones other sites send
 * us, read and summarised, and the DMARC aggregate reports we send to the senders whose policies ask.
 *
 * <p>Receiving: mail to {@code [reports] mailbox} is delivered like any other and then read by {@link
 * dev.postamt.reports.ReportMailbox}; {@code postamt reports import} reads files, messages, mbox files and
 * Maildirs. {@link dev.postamt.reports.ReportFiles} finds the report documents (zip, gzip, XML, JSON,
 * decompression bounded by {@code [reports] max_uncompressed}), {@link
 * dev.postamt.reports.DmarcReportParser} reads the XML with DTDs and external entities refused, {@link
 * dev.postamt.reports.TlsReportParser} the JSON. Summaries: {@code postamt reports dmarc|tls} and the
 * console's Reports page.
 *
 * <p>Sending: {@link dev.postamt.reports.DmarcRecorder} counts the DMARC evaluation of each inbound
 * message (handed over by {@code mailauth.InboundAuthenticator} through a bounded queue: it never delays
 * mail); {@link dev.postamt.reports.DmarcReportSender} builds one report per sender domain and day, checks
 * external destinations (§7.1) and queues it as a normal message. Off unless {@code [reports]
 * send_dmarc = true}; {@code postamt reports send-dmarc [--date D] [--dry-run]} runs it by hand.
 *
 * <p>Failure behaviour: a report that cannot be read is logged and skipped, its message stays in the
 * mailbox (nothing is ever lost or bounced for it); a failing database makes the reports work log and
 * wait for the next delivery or day, never fail a delivery.
 *
 * <p>On disk: {@code data_dir/reports.db} (SQLite, owned by {@link dev.postamt.reports.SqliteReportStore}):
 * received reports and their rows, the day's counted evaluations, the reports sent, and how far the
 * reports mailbox has been read. With {@code [database] url} the same tables live in PostgreSQL ({@link
 * dev.postamt.reports.PgReportStore}, {@code mailbox_read} named {@code reports_mailbox_read}), shared by every
 * node; one node at a time sends the daily aggregate reports.
 */
package dev.postamt.reports;
