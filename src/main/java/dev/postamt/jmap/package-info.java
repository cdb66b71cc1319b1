/**
 * JMAP (RFC 8620 core; RFC 8621 mail, submission and vacation response; RFC 9661 Sieve scripts) over
 * the mail store, without HTTP: the {@code web} package authenticates and hands request bodies to
 * {@link dev.postamt.jmap.JmapApi}, the session resource to {@link dev.postamt.jmap.JmapApi#session}
 * ({@link dev.postamt.jmap.SessionResource}) and blobs to {@link dev.postamt.jmap.Blobs}. What JMAP needs
 * beyond the store (router, submission listener, Sieve and vacation stores, its own database) comes in
 * {@link dev.postamt.jmap.JmapServices}; without it the API serves mail only.
 *
 * <p>Methods are a table in {@link dev.postamt.jmap.JmapApi}, one file per object type or method group:
 * {@code MailboxMethods}, {@code EmailMethods} (get, changes, Thread/get), {@code EmailQuery}, {@code
 * EmailSet}, {@code EmailCreate} with {@code EmailParts} and {@code MessageWriter} (Email/set create:
 * RFC 5322 and MIME out), {@code EmailImport} (import, copy, parse), {@code Threads}, {@code
 * IdentityMethods}, {@code SubmissionMethods}, {@code VacationMethods}, {@code SieveScriptMethods}. Ids
 * are made from the store's ids ({@link dev.postamt.jmap.Ids}); the mail state string is the list of
 * each mailbox's HIGHESTMODSEQ, UIDVALIDITY and UIDNEXT ({@code AccountState}), so a change over IMAP
 * shows in {@code /changes} and a JMAP change is an IMAP STORE/MOVE/EXPUNGE that IMAP clients see (RFC
 * 7162). Threads are Message-ID linkage (RFC 8621 §3), kept so that a moved message keeps its thread.
 *
 * <p>Sending ({@code EmailSubmission/set}) takes the submission port's path through {@link
 * dev.postamt.smtp.LocalSubmission}: the same sender rule ({@link
 * dev.postamt.routing.Router#mayUseSender}), checks, limits and DKIM signing, then the queue. The
 * vacation response is {@link dev.postamt.sieve.store.Vacations}, which delivery answers with. Moves and
 * copies into and out of the Junk Mailbox teach the spam filter in the background ({@link
 * dev.postamt.jmap.JunkTraining}, given by the server through {@link
 * dev.postamt.jmap.JmapServices#learnFromJunk}), as IMAP moves do.
 *
 * <p>Failure behaviour: a bad request is an RFC 7807 problem (request level) or a method error
 * response (RFC 8620 §3.6); a bad object in a {@code /set} is a SetError for that object alone; a store
 * failure is {@code serverFail} for that call alone. Nothing here deletes mail except {@code Email/set
 * destroy} (and the destroy that {@code onSuccessDestroyEmail} or {@code onSuccessDestroyOriginal} ask
 * for); a submission the submission path refuses queues nothing.
 *
 * <p>On disk: uploads under {@code data_dir/jmap/uploads/<accountId>/} (blob file and a {@code .type}
 * file), deleted a day after upload (a Sieve script's text fetched with {@code SieveScript/get} is kept
 * there too, named by its hash); {@code data_dir/jmap.db} ({@link dev.postamt.jmap.SqliteJmapRecords}; with {@code [database] url} the
 * tables {@code jmap_objects}, {@code jmap_counters}, {@code jmap_threads} in PostgreSQL instead):
 * Identity settings, EmailSubmissions, SieveScript ids and the thread of each Message-ID.
 */
package dev.postamt.jmap;
