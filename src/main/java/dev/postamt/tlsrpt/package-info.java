/**
 * SMTP TLS Reporting (RFC 8460), the sending side: every outbound TLS negotiation of remote delivery is
 * recorded per policy domain and day ({@link dev.postamt.tlsrpt.TlsReports}: the policy that applied —
 * {@code sts}, {@code tlsa} or {@code no-policy-found} — with its policy strings, the successful
 * sessions, and the failures by result type, sending and receiving address and MX host); once a day
 * (and on {@code postamt tlsrpt send}) the finished days are turned into RFC 8460 JSON reports, one per
 * policy domain that publishes {@code _smtp._tls} {@code v=TLSRPTv1; rua=…}, gzipped and sent to each
 * {@code mailto:} address as a message through our own queue (DKIM-signed like other mail we write) and
 * to each {@code https:} address as a POST.
 *
 * <p>Failure behaviour: recording never fails a delivery (a database error is logged and the result
 * lost); a report that cannot be built or sent is logged and its day kept, so the next run tries again;
 * a day is forgotten once sent, or after {@link dev.postamt.tlsrpt.DailyReports#KEEP_DAYS} days. Owns
 * {@code data_dir/tlsrpt.db} ({@link dev.postamt.tlsrpt.SqliteTlsReports}) or, with {@code [database] url}, the
 * table {@code tlsrpt_outcome} in PostgreSQL ({@link dev.postamt.tlsrpt.PgTlsReports}), where every node counts
 * and one node at a time sends.
 */
package dev.postamt.tlsrpt;
