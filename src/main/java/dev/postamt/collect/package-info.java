/**
 * Collecting mail from users' accounts at other providers, as fetchmail does: any number of remote
 * POP3 or IMAP accounts per user ({@code collect.max_accounts}), fetched by {@code postamt collect run}
 * or by the poller of {@code serve} ({@link dev.postamt.collect.CollectPoller}, every {@code
 * collect.interval}), each message delivered locally through the user's Sieve scripts ({@link
 * dev.postamt.collect.MdaDrop}) with a {@code Received: … with POP3|IMAP id …} field naming the source,
 * then deleted remotely unless the account keeps it. {@link dev.postamt.collect.CollectService} holds the
 * operations the CLI, the self-service page ({@code account.CollectPage}) and the poller share.
 *
 * <p>Exactly once, also across {@code kill -9} ({@link dev.postamt.collect.Collector}). The remote id of a
 * message (POP3 UIDL, RFC 1939 §7; IMAP UIDVALIDITY/UID, RFC 3501 §2.3.1.1) is recorded as pending, with
 * the time delivery begins, before the message is delivered; delivered under a store delivery id derived
 * from the account, the remote id and that time (our trace fields derive from the same, so a repeat is
 * byte-identical); recorded as seen in the transaction that drops the pending row; and only then deleted
 * remotely. A crash before delivery leaves a pending row and the message on the server: the next run
 * delivers it. A crash after delivery and before "seen" leaves a pending row too: the next run delivers
 * as a retry, where the store (and Sieve's own copies, redirects and vacation replies, which derive their
 * ids from the same) finds the copy already there and stores nothing twice. A crash after "seen" and
 * before the remote deletion is finished by the next run, which deletes what it has seen. We chose the
 * store's delivery id over a Message-ID or content-hash check: it is the mechanism the queue's own
 * retries rely on, it is exact (two different messages with one Message-ID both arrive), and it costs one
 * file lookup. Delivery goes straight through the mail delivery agent rather than the queue: the queue
 * would add a second durable copy and an asynchronous step between delivery and "seen" without making
 * either step safer. One run per account at a time: a lock file {@code data_dir/collect/ID.lock} keeps a
 * CLI run and the poller apart; where several nodes share the state in PostgreSQL, a run also claims the
 * account with an advisory lock held for the run ({@link dev.postamt.collect.PgCollectAccounts}), and a poller
 * that finds the account run meanwhile by another node leaves it until it is due again.
 *
 * <p>Limits: TLS required (implicit, or STARTTLS for {@code pop3://}/{@code imap://}; plain only with
 * {@code --plaintext}); the certificate is checked unless {@code --insecure}; every remote read times out
 * after {@code collect.timeout}; messages larger than {@code limits.message_size} are left on the server
 * and reported. A UIDVALIDITY change on the remote INBOX makes every message there new again (as with
 * fetchmail): the server says its ids no longer hold. In {@code serve}, an IMAP account whose last run
 * went well also keeps one connection idling on the remote INBOX (RFC 2177, {@link
 * dev.postamt.collect.IdleWatch}): new mail announced there makes the account due at once.
 *
 * <p>Failure behaviour: never lose mail. A remote deletion happens only after the local copy is on stable
 * storage and recorded; a failing Sieve script keeps into INBOX; a full mailbox or a store fault ends the
 * run with the message left on the server. Trouble (bad password, server down, TLS) is recorded as the
 * account's last error for {@code collect list} and the self-service page, and the next attempt waits
 * {@code collect.interval} doubled per failure in a row, at most {@code collect.max_backoff}.
 *
 * <p>On disk: {@code data_dir/collect.db} (SQLite, {@link dev.postamt.collect.SqliteCollectAccounts}:
 * accounts, seen and pending remote ids; with {@code [database] url} the tables {@code collect_account},
 * {@code collect_seen}, {@code collect_pending} in PostgreSQL instead), {@code data_dir/collect/secret.key}
 * (mode 0600, the AES-256-GCM key the remote passwords are sealed with, {@link dev.postamt.collect.SecretBox};
 * nodes sharing PostgreSQL need the same file) and the lock files.
 */
package dev.postamt.collect;
