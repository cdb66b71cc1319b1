/**
 * The mail store: every user's mailboxes and messages, behind one API that protocols and delivery use,
 * with the message bytes behind a second one.
 *
 * <h2>API</h2>
 *
 * <ul>
 *   <li>{@link dev.postamt.store.MailStore} — the entry (one per process): opens a user's shared
 *       {@link dev.postamt.store.Account}, takes local deliveries ({@code deliver}, {@code delivered}
 *       for idempotent retries, {@code notifyDelivered}), answers quota questions cheaply.
 *   <li>{@link dev.postamt.store.Account} — one user's mail: mailboxes (create, rename with children,
 *       delete, subscriptions, STATUS), messages with UIDs, flags and keywords, MODSEQs and expunge
 *       history (CONDSTORE/QRESYNC), append (a stream and its size), copy/move, expunge, quota, and
 *       change notification ({@code watch}). Messages are opened as {@link
 *       dev.postamt.store.MessageContent}: a stream, or a positioned channel for ranges.
 *   <li>{@link dev.postamt.store.NewMailIntake} — the server's listener of local deliveries: takes each
 *       delivered message into its account's index (UID, move to {@code cur/}) on a worker thread after
 *       the SMTP reply, one poll for all deliveries since the last; the reply waits only for the Maildir
 *       file and {@code new/} to be durable.
 *   <li>{@link dev.postamt.store.MailboxNames} — the name rules: separator {@code /}, INBOX in any case,
 *       and the limits below.
 *   <li>{@link dev.postamt.store.Shares} — who may use whose mailboxes: RFC 4314 access lists ({@link
 *       dev.postamt.store.Rights}), shared (role) accounts and send-as grants, one table for the server
 *       ({@link dev.postamt.store.SqliteShares}, {@code data_dir/shares.db}; {@link
 *       dev.postamt.store.PgShares} in PostgreSQL).
 *   <li>{@link dev.postamt.store.BlobStore} — where message bytes live: write once, open, copy, delete,
 *       per mailbox. {@link dev.postamt.store.MaildirBlobStore} (files) by default; {@link
 *       dev.postamt.store.PgBlobStore} ({@code bytea} rows of {@code mail_blob}) with {@code [store] blobs =
 *       "postgresql"}, for nodes that share no filesystem. With the latter there is no Maildir: the index is
 *       the truth (no folder scans), and local delivery ({@link dev.postamt.store.PgDelivery}) commits the
 *       blob with its index row in one transaction.
 * </ul>
 *
 * <p>Backends: both keep messages as Maildir++ files and differ in where the index is ({@link
 * dev.postamt.store.MailIndex}): {@link dev.postamt.store.SqliteMailStore} (a SQLite file per user,
 * {@code SqliteMailIndex}, its schema in {@code SqliteIndexSchema}, its expunge history in {@code
 * SqliteExpungeHistory}) is the default; {@link dev.postamt.store.PgMailStore} ({@code PgMailIndex},
 * tables keyed by account) lets several nodes serve the same accounts over one shared mail directory,
 * chosen by {@code [database] url} ({@link dev.postamt.store.MailStore#open}). The account logic above
 * the index ({@code MaildirAccount}, {@code MailboxWriter}, {@code MessageWriter}, {@code FolderScan}, {@code SnapshotCache})
 * is the same for both. Every backend must pass {@code MailStoreContract}, {@code SharesContract} and
 * {@code BlobStoreContract} in the tests. Nothing outside this package sees a message file or a Maildir
 * class; {@link dev.postamt.store.MailIndexCopy} copies indexes between the backends ({@code postamt
 * migrate}).
 *
 * <h2>Locking</h2>
 *
 * <p>One {@code MaildirAccount} per user per process, shared by all its sessions. Writes hold the
 * account's write lock and use its one writer index, so they are serialised; reads take no lock and
 * run each in one read transaction on a connection of their own (SQLite WAL, PostgreSQL REPEATABLE
 * READ: they see the last commit and never wait for the writer), so two sessions of a user read side
 * by side. Taking in new deliveries ({@code poll}) is a cheap directory stat and is skipped while
 * another thread writes, except on the delivery's own notification. Between processes: SQLite's file
 * locking (the CLI beside the server); on PostgreSQL each write transaction locks the account's row
 * first, so nodes take turns per account, and {@code NOTIFY postamt_mail} after the commit wakes the
 * other nodes' sessions of the account (see {@link dev.postamt.store.PgMailStore}). Because every change
 * is announced there, an account on PostgreSQL answers {@code snapshot}, {@code knownSnapshot} and
 * {@code mailbox} from the snapshot it read last (or its own last write left) while no change moved its
 * change count ({@code SnapshotCache}), for a few seconds at most; on SQLite every such call reads. A
 * PostgreSQL write works out the mailbox it leaves from what its statements returned ({@code
 * RETURNING}, the mailbox row read with the account's lock) rather than reading it again, and STORE and
 * EXPUNGE read the mailbox in the statement that takes the lock ({@code MailIndex.inMailboxTx}).
 *
 * <h2>Limits</h2>
 *
 * <p>A mailbox name has at most {@value dev.postamt.store.MailboxNames#MAX_LEVELS} levels, at most
 * {@value dev.postamt.store.MailboxNames#MAX_LEVEL_BYTES} bytes per level and {@value
 * dev.postamt.store.MailboxNames#MAX_NAME_BYTES} bytes in all (UTF-8); no empty level, control
 * character, {@code *} or {@code %}. Maildir++ is tighter: the whole name is one directory name, so it
 * may have at most 255 bytes as written on disk ({@code .a.b}, dots inside a level as {@code %2E}).
 * Beyond a limit: {@link dev.postamt.store.StoreException.Kind#LIMIT}; bad characters: {@code CANNOT}.
 *
 * <h2>On-disk layout (default backend)</h2>
 *
 * <p>Below {@link dev.postamt.store.UserHome#of} of a user ({@code mail/<domain>/<localpart>/}):
 *
 * <ul>
 *   <li>{@code Maildir/} — INBOX ({@code cur/ new/ tmp/}); other mailboxes as Maildir++ folders
 *       {@code Maildir/.Sent}, {@code Maildir/.a.b} for {@code a/b}; names in UTF-8, a dot inside a name
 *       level escaped as {@code %2E} (see {@link dev.postamt.store.MaildirBlobStore}). The JVM writes file
 *       names in its locale's character set: without a UTF-8 locale, names outside ASCII are refused
 *       ({@link dev.postamt.store.FileNames}).
 *   <li>Message files {@code cur/<base>:2,<flags>}, immutable; {@code <base>} (the blob key) is the
 *       delivery's unique name (with {@code ,S=<size>}). Local delivery writes {@code new/<base>} ({@link
 *       dev.postamt.store.Maildir}); the store gives it a UID and moves it to {@code cur/}.
 *   <li>{@code index.db} — SQLite (WAL, synchronous=FULL): mailboxes (UIDVALIDITY, UIDNEXT,
 *       HIGHESTMODSEQ, special use, first recent UID), messages (UID, base, flags and keywords, MODSEQ,
 *       INTERNALDATE, size, RFC 8514 save date), subscriptions, IMAP METADATA entries per mailbox and
 *       for the server ({@link dev.postamt.store.MetadataTable}), and expunged UIDs with the MODSEQ of their expunge (for
 *       QRESYNC; the newest 100,000 per mailbox, {@code mailbox.expunge_floor} marking how far back the
 *       history is complete), and the quota usage (bytes and messages of the whole account, kept by
 *       triggers on the message table; see {@link dev.postamt.store.Quota}). Mailbox ids are never
 *       reused ({@code meta.last_mailbox_id}): they are the IMAP MAILBOXID and the JMAP Mailbox id.
 *   <li>{@code <data_dir>/shares.db} — SQLite: the access lists, shared accounts and send-as grants
 *       ({@link dev.postamt.store.SqliteShares}); mailboxes by their name in the owner's store.
 *   <li>{@code <data_dir>/mail/.space-reserve} — the server's disk space reserve (see below).
 *   <li>With PostgreSQL, no {@code index.db} and no {@code shares.db}: the same rows live in the tables
 *       {@code mail_account}, {@code mail_mailbox}, {@code mail_message}, {@code mail_expunged}, {@code
 *       mail_subscription}, {@code mail_metadata} (keyed by account) and {@code share_acl}, {@code
 *       share_account}, {@code share_send_as}; the Maildir layout is unchanged.
 *   <li>With {@code [store] blobs = "postgresql"}, no {@code Maildir/} either: the message bodies are rows of
 *       {@code mail_blob} (account, mailbox id, key, bytes); the home keeps only the node's own small files.
 * </ul>
 *
 * <h2>Failure behaviour</h2>
 *
 * <p>Files are fsync'd (file and directory) before index rows are committed, and every open reconciles
 * index and files, so {@code kill -9} at any point neither loses a message nor reuses a UID; a local
 * delivery is on stable storage when {@code deliver} returns, and a retry finds it ({@code delivered}).
 * The index can be rebuilt from the files ({@code postamt store reindex}). Errors surface as {@link
 * dev.postamt.store.StoreException} with a kind protocols map to their replies; only {@code SERVERBUG}
 * is a bug. A full disk ({@code NOSPACE}) refuses APPEND, COPY and delivery, while login, flag changes,
 * expunge and delete go on: they give back a slice of the space reserve ({@link
 * dev.postamt.store.DiskReserve}) when they run out, and new mail waits in {@code new/} until there is
 * room to index it.
 */
package dev.postamt.store;
