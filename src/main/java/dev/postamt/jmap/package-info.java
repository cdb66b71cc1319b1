/**
 * JMAP (RFC 8620 core, RFC 8621 mail) over the mail store, without HTTP: the {@code web} package
 * authenticates and hands request bodies to {@link dev.postamt.jmap.JmapApi}, the session resource
 * to {@link dev.postamt.jmap.SessionResource} and blobs to {@link dev.postamt.jmap.Blobs}.
 *
 * <p>Methods are a table in {@link dev.postamt.jmap.JmapApi}, one file per object type ({@code
 * MailboxMethods}, {@code EmailMethods}, {@code EmailQuery}, {@code EmailSet}). Ids are made from the
 * store's ids ({@link dev.postamt.jmap.Ids}); the state string is the list of each mailbox's
 * HIGHESTMODSEQ, UIDVALIDITY and UIDNEXT ({@code AccountState}), so a change over IMAP shows in
 * {@code /changes} and a JMAP change is an IMAP STORE/MOVE/EXPUNGE that IMAP clients see (RFC 7162).
 *
 * <p>Failure behaviour: a bad request is an RFC 7807 problem (request level) or a method error
 * response (RFC 8620 §3.6); a store failure is {@code serverFail} for that call alone. Nothing here
 * deletes mail except {@code Email/set destroy}. Every Email is its own Thread for now.
 *
 * <p>On disk: uploads under {@code data_dir/jmap/uploads/<accountId>/} (blob file and a {@code .type}
 * file), deleted a day after upload.
 */
package dev.postamt.jmap;
