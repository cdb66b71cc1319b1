/**
 * The mailbox store: each user's mail as Maildir++ files plus a SQLite index.
 *
 * <p>On-disk layout, below {@link dev.postamt.store.MailboxLayout#home} of a user:
 *
 * <ul>
 *   <li>{@code Maildir/} — INBOX ({@code cur/ new/ tmp/}); other mailboxes as Maildir++ folders
 *       {@code Maildir/.Sent}, {@code Maildir/.a.b} for {@code a/b}; names in UTF-8, a dot inside a name
 *       level escaped as {@code %2E} (see {@link dev.postamt.store.MaildirFolders}).
 *   <li>Message files {@code cur/<base>:2,<flags>}, immutable; {@code <base>} is the delivery's unique
 *       name (with {@code ,S=<size>}). Local delivery writes {@code new/<base>} ({@link
 *       dev.postamt.store.Maildir}); the store gives it a UID and moves it to {@code cur/}.
 *   <li>{@code index.db} — SQLite (WAL, synchronous=FULL): mailboxes (UIDVALIDITY, UIDNEXT,
 *       HIGHESTMODSEQ, special use, first recent UID), messages (UID, base, flags and keywords, MODSEQ,
 *       INTERNALDATE, size), subscriptions, and expunged UIDs with the MODSEQ of their expunge (for
 *       QRESYNC; the newest 100,000 per mailbox, {@code mailbox.expunge_floor} marking how far back the
 *       history is complete), and the quota usage (bytes and messages of the whole account, kept by
 *       triggers on the message table; see {@link dev.postamt.store.Quota}).
 * </ul>
 *
 * <p>Failure behaviour: files are fsync'd before index rows are committed, and every open reconciles
 * index and files, so {@code kill -9} at any point neither loses a message nor reuses a UID. The index
 * can be rebuilt from the files ({@code postamt store reindex}). Errors surface as {@link
 * dev.postamt.store.StoreException} with a kind protocols map to their replies.
 */
package dev.postamt.store;
