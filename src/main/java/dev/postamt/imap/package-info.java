/**
 * The IMAP server: IMAP4rev1 (RFC 3501) with the extensions listed in {@link
 * dev.postamt.imap.Capabilities#EXTENSIONS} (LITERAL+, SASL-IR, ID, ENABLE, IDLE, NAMESPACE, UNSELECT,
 * UIDPLUS, MOVE, CHILDREN, SPECIAL-USE, CREATE-SPECIAL-USE, ESEARCH, CONDSTORE, STATUS=SIZE,
 * LIST-EXTENDED, LIST-STATUS, BINARY, APPENDLIMIT), the QUOTA capabilities, SORT, SORT=DISPLAY, ESORT and
 * THREAD ({@link dev.postamt.imap.SortCommands}), CONTEXT=SEARCH and CONTEXT=SORT (RFC 5267 §4: live
 * results of SEARCH/SORT {@code RETURN (UPDATE)} told as ESEARCH ADDTO/REMOVEFROM, and CANCELUPDATE; {@link
 * dev.postamt.imap.SearchContexts}, kept in the {@link dev.postamt.imap.SelectedMailbox} view), MULTIAPPEND, CATENATE and REPLACE ({@link
 * dev.postamt.imap.AppendCommands}), OBJECTID ({@link dev.postamt.imap.ObjectIds}, JMAP's ids), PREVIEW
 * ({@link dev.postamt.imap.Preview}), SAVEDATE, WITHIN, UTF8=ACCEPT ({@link
 * dev.postamt.imap.EnableCommand}), UIDONLY ({@link dev.postamt.imap.UidOnly}), METADATA and METADATA-SERVER ({@link
 * dev.postamt.imap.MetadataCommands}; the entries are kept in the store) and LIST-METADATA, NOTIFY ({@link
 * dev.postamt.imap.NotifySpec} the request, {@link dev.postamt.imap.NotifyWatch} the running watch, {@link
 * dev.postamt.imap.NotifyMailboxes} the mailboxes it looks at: the user's own and other users' shared ones,
 * as the l and r rights allow),
 * PARTIAL ({@link dev.postamt.imap.PartialRange}), INPROGRESS ({@link dev.postamt.imap.Progress}), ACL
 * with RIGHTS=texk and LIST-MYRIGHTS ({@link dev.postamt.imap.AclCommands}: other users' mailboxes under
 * {@code Other Users/} and {@code Shared/}, resolved and opened by {@link dev.postamt.imap.SharedMailboxes},
 * rights checked by each command and {@link dev.postamt.imap.AclChecks}), URLAUTH, URLAUTH=BINARY and
 * URL-PARTIAL (RFC 4467, 5524, 5550: {@link dev.postamt.imap.UrlAuthCommands} the commands, {@link
 * dev.postamt.imap.UrlAuthority} the keys and the checking of URLs, which CATENATE and SMTP's BURL use
 * too), plus STARTTLS / LOGINDISABLED / AUTH=SCRAM-SHA-256
 * AUTH=PLAIN before login and COMPRESS=DEFLATE after it (RFC 4978; the deflate layer is {@code
 * net.Connection}'s, beneath its line deadline). IMAP4rev2 (RFC 9051) is advertised beside IMAP4rev1; a session switches to the rev2 response
 * forms with {@code ENABLE IMAP4rev2} ({@code ImapSession.rev2}).
 *
 * <p>Shape: {@link dev.postamt.imap.CommandReader} reads one command with its literals from the
 * connection; {@link dev.postamt.imap.CommandParser} (on {@link dev.postamt.imap.ImapLexer}, with {@link
 * dev.postamt.imap.SearchParser}, {@link dev.postamt.imap.FetchParser} and the command groups' own
 * argument parsers) turns the bytes into a {@link dev.postamt.imap.Command} record without
 * any I/O; {@link dev.postamt.imap.Verb} is the command table with the states each command is allowed
 * in; {@link dev.postamt.imap.ImapSession} runs one connection, and {@link
 * dev.postamt.imap.CommandHandlers} hands each command to its group: {@link
 * dev.postamt.imap.LoginCommands} (STARTTLS, LOGIN, AUTHENTICATE), {@link
 * dev.postamt.imap.MailboxCommands}, {@link dev.postamt.imap.ListCommand}, {@link
 * dev.postamt.imap.MessageCommands} and the others. Every failure of a command is an {@link
 * dev.postamt.imap.ImapException} carrying its tagged NO/BAD reply.
 *
 * <p>Concurrency: each session keeps a {@link dev.postamt.imap.SelectedMailbox} view (sequence numbers,
 * flags told, \Recent) and compares it with the store after every command (from memory where the store
 * knows nothing changed since its last read: {@code Account.knownSnapshot}) and on every store change
 * while IDLE ({@link dev.postamt.imap.IdleWatch}: no thread per idle session); under NOTIFY, changes of
 * any of the user's mailboxes (and of the other users' mailboxes shared with the user) are reported between commands too, by a short-lived virtual thread that
 * shares one lock with the session's own writes ({@link dev.postamt.imap.NotifyWatch}); EXPUNGE is held back
 * during FETCH, STORE, SEARCH, SORT, THREAD and COPY (RFC 3501 §7.4.1). Live search results follow every
 * report of the view: their REMOVEFROM before the EXPUNGEs, their ADDTO after the EXISTS (RFC 5267 §4.3). SORT and THREAD read message
 * headers through {@link dev.postamt.imap.SortFieldCache}, shared by all sessions and bounded, so each
 * header is parsed once; the first read of a mailbox runs on a few virtual threads side by side and reads
 * only the header bytes ({@link dev.postamt.imap.SortHeader}). Views of one mailbox share the account's
 * message list while they are in step with it, so idle sessions cost little memory.
 *
 * <p>Failure behaviour: bad input gets BAD and the session goes on, up to a limit of BAD replies;
 * over-long lines and literals are refused without reading them into memory (before login, literals
 * of more than 8 KiB; see {@link dev.postamt.imap.CommandReader}); a line that does not arrive whole
 * within {@code limits.command_deadline} ends the session with {@code * BYE}; repeated login failures
 * close the connection; store errors and bugs become {@code NO [SERVERBUG]} for that command and are
 * logged. Mailbox names travel as modified UTF-7 on the wire (UTF-8 for IMAP4rev2 sessions) and are
 * kept in Unicode by the store.
 *
 * <p>URLAUTH keys: one random 32-byte mailbox access key per user and mailbox, kept in the store as a
 * METADATA entry of the mailbox named {@code urlauth-key} (outside RFC 5464's {@code /private} and {@code
 * /shared} names, so no METADATA command lists, counts or changes it; it goes with the mailbox). A URL
 * that fails its check is {@code * URLFETCH url NIL} with {@code * NO [BADURL url] why}; the reasons
 * given before the token matched do not tell which mailboxes exist.
 *
 * <p>On disk: a literal over 256 KiB (an APPENDed message) is written as it arrives to {@code
 * data_dir/tmp/imap-literal-*.tmp} ({@link dev.postamt.imap.Literal}) and deleted when its command is
 * done; files a crash left behind are deleted when the service starts.
 */
package dev.postamt.imap;
