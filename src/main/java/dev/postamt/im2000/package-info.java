/**
 * IM2000 between Postamt servers, an experiment ({@code [im2000] enabled = false} by default; the
 * protocol is written down in {@code docs/im2000.md}): the sender keeps the message, the receiver gets a
 * small signed notification and pulls the message when it is first read.
 *
 * <h2>Pieces</h2>
 *
 * <ul>
 *   <li>{@link dev.postamt.im2000.Im2000Service} — the running part: wired by the server into outbound
 *       delivery ({@link dev.postamt.im2000.Im2000Transport} in front of SMTP), the store (the stub
 *       resolver) and the web listener ({@link dev.postamt.im2000.Im2000App} at {@code /im2000/}).
 *   <li>{@link dev.postamt.im2000.Advertisement} — the {@code _im2000.DOMAIN} TXT record;
 *       {@link dev.postamt.im2000.Signatures} — the DKIM-key signature of each request;
 *       {@link dev.postamt.im2000.Notification} — what a notification says; {@link dev.postamt.im2000.Stub}
 *       — the stand-in message in the recipient's INBOX.
 *   <li>{@link dev.postamt.im2000.Outbox} / {@link dev.postamt.im2000.SqliteOutbox} — the sender's copy;
 *       {@link dev.postamt.im2000.Inbox} / {@link dev.postamt.im2000.SqliteInbox} — the receiver's
 *       notifications, pulls and confirmations; {@link dev.postamt.im2000.HttpsClient} — the requests.
 * </ul>
 *
 * <h2>On-disk layout</h2>
 *
 * <ul>
 *   <li>{@code data_dir/im2000/outbox/<queue id>.eml} — a message we keep for its recipients' servers;
 *       {@code outbox.db} its rows (capability token hash, recipient domains, signed notifications, state).
 *   <li>{@code data_dir/im2000/inbox/<sha256>.eml} — a message pulled for our users (one file however
 *       many of them it is for); {@code inbox.db} the notifications taken and the peers whose feeds we poll.
 * </ul>
 *
 * <h2>Failure behaviour</h2>
 *
 * <p>Never a lost message: the outbox file is fsync'd before the queue counts the recipients done, a
 * stub is on stable storage before a notification is answered {@code 202}, a pulled message before its
 * fetch is confirmed (and only a confirmed fetch lets the sender delete). A notification that fails is
 * not retried by the sender: the receiver finds it in the sender's feed. A pull that fails serves the
 * stub, whose text says so, and is tried again at the next read. Anything that cannot be signed (no
 * DKIM key) or is not advertised goes by SMTP.
 */
package dev.postamt.im2000;
