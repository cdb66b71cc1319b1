/**
 * The SMTP server (RFC 5321) for the MX port and the submission ports, with PIPELINING (RFC 2920),
 * SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531), ENHANCEDSTATUSCODES (RFC 2034/3463),
 * CHUNKING (RFC 3030), DSN parameters (RFC 3461), STARTTLS (RFC 3207) and AUTH PLAIN/LOGIN/SCRAM (RFC
 * 4954, only under TLS), BURL (RFC 4468, submission ports only, after AUTH: {@code Burl}), and the LMTP
 * server (RFC 2033).
 *
 * <p>A session ({@code SmtpSession}) is explicit state plus a command table ({@link
 * dev.postamt.smtp.SmtpCommand}); every failure is an {@link dev.postamt.smtp.SmtpException} carrying its
 * reply, caught in one place, counted against {@code limits.errors}. The client never sees a stack
 * trace. One file per concern: {@code Transaction} (sender, recipients with duplicates collapsed),
 * {@code EnvelopeParameters} (MAIL/RCPT parameters), {@code RecipientLookup} (what a RCPT address is),
 * {@code MessageReceiver} with {@code ContentScanner} and {@code DataReader} (DATA and BDAT into the
 * spool), {@code MessageCommit} (end of data: checks, commit, reply), {@code TraceHeader}. {@link
 * dev.postamt.smtp.LocalSubmission} runs the same transaction for a message submitted inside the server
 * (JMAP EmailSubmission) by an authenticated user, without a socket.
 *
 * <p>BURL: {@code BURL <imap-url> [LAST]} adds what the URL names as a chunk, mixed freely with BDAT
 * chunks and through the same {@code ContentScanner} and size limit. The URL is resolved in-process by
 * the {@link dev.postamt.smtp.BurlResolver} the server wires in (the IMAP package's URLAUTH check, with
 * the access identifier {@code submit+<authenticated user>}), not over a loopback IMAP connection with a
 * "submit" login as RFC 4468 §3.3 describes for separate servers: one process, no password to keep. A
 * plain URL of the user's own message is taken too (the trust relationship of §3.3, advertised after
 * AUTH as {@code BURL imap imap://hostname}). Refusals as §6 suggests: {@code 554 5.7.0} for a URL that
 * fails authorization, {@code 554 5.6.6} for content no longer there, {@code 554 5.7.8} for URLs other
 * than IMAP, {@code 552/554 5.3.4} over the size limit, {@code 451 4.4.1} when the store fails for now;
 * each fails the whole transaction (§3.2).
 *
 * <h2>Stage checks</h2>
 *
 * The decisions about a client, sender, recipient or message are not in the session: at each {@code
 * Stage} (CONNECT, HELO, MAIL, RCPT, DATA, END_OF_DATA) the session builds a {@code StageContext} (the
 * client; the sender, recipient or message as far as the stage knows them) and runs the ordered list of
 * {@code StageCheck}s that {@code StageChecks} holds for that stage, like Postfix's {@code
 * smtpd_*_restrictions}. A check answers Continue (next check), Accept (skip the rest of the stage) or
 * Refuse with an {@link dev.postamt.smtp.SmtpReply} — 4xx defers, 5xx refuses; a check whose lookup
 * fails for now must defer, never refuse for good. The first refusal is the reply. END_OF_DATA checks
 * may add header fields and drop forged ones ({@code MessageEdits}). The built-in entries are the relay
 * rules ({@code RelayRules}: Postfix's {@code permit_mynetworks, permit_sasl_authenticated,
 * reject_unauth_destination}, LMTP clients, sender-routed addresses), unknown recipients, sender
 * ownership ({@code SenderOwnership}), full mailboxes ({@code MailboxQuota}), aliases that can only
 * bounce ({@code AliasTargets}) and, at the end of the data, the {@link dev.postamt.smtp.InboundCheck}
 * (SPF, DKIM, DMARC, ARC). On the MX port {@code PolicyCheck} then runs the {@code [policy]} restriction
 * lists of the {@code policy} package at every stage; what its access maps ask for besides an answer
 * (DISCARD, HOLD, PREPEND, REDIRECT) is kept with the transaction and applied to the message at the end
 * of the data ({@code PolicyEffects}, through {@code MessageEdits}). Last comes the virus and attachment check
 * ({@code VirusCheck}, {@code [antivirus]}), which may also divert an accepted message away from the queue
 * into the quarantine or discard it ({@code MessageEdits.divert}: still answered 250, only after the
 * quarantine has it on disk).
 *
 * <p>Around the checks, on the MX port and for untrusted clients only, {@code SessionDefences} keeps
 * postscreen's pregreet test ({@code policy.pregreet}: the greeting's first line {@code 220-}, then a
 * client that talks before the last one is refused 554) and smtpd's error limits as a tarpit ({@code
 * policy.tarpit_*}: after N invalid recipients each error reply waits, doubling, and at M the session
 * ends with 421); each such refusal is reported to the ban list ({@code ban.policy_rejections}).
 *
 * <h2>Failure behaviour</h2>
 *
 * A message is acknowledged with 250 only after {@link dev.postamt.queue.DurableSpool} has made it
 * durable (or every copy is in its Maildir). DATA and BDAT refuse bare CR or LF (SMTP smuggling), NUL
 * bytes and an oversized header section, always after the whole data has been read so the session stays
 * in step; a refused message leaves nothing in the spool. Command lines are bounded by {@code
 * limits.line_length}, AUTH responses by 12 KiB ({@link dev.postamt.smtp.Sasl#MAX_RESPONSE}), and every
 * command and message data line must arrive whole within {@code limits.command_deadline} ({@code 421
 * 4.4.2} otherwise). STARTTLS discards pipelined plaintext
 * (CVE-2011-0411). Requests for success notices and full bounces from untrusted clients are reduced
 * ({@code NoticeRequests}) so that a forged sender cannot be made a target of backscatter. The package
 * owns no files.
 */
package dev.postamt.smtp;
