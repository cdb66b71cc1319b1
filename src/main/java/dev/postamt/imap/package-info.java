/**
 * The IMAP server (IMAP4rev1, RFC 3501, with the extensions listed in {@link
 * dev.postamt.imap.ImapSession#EXTENSIONS}).
 *
 * <p>Shape: {@link dev.postamt.imap.CommandReader} reads one command with its literals from the
 * connection; {@link dev.postamt.imap.CommandParser} turns the bytes into a {@link
 * dev.postamt.imap.Command} record without any I/O; {@link dev.postamt.imap.Verb} is the command table
 * with the states each command is allowed in; {@link dev.postamt.imap.ImapSession} runs one connection
 * and dispatches to {@link dev.postamt.imap.MailboxCommands} and {@link
 * dev.postamt.imap.MessageCommands}. Every failure of a command is an {@link
 * dev.postamt.imap.ImapException} carrying its tagged NO/BAD reply.
 *
 * <p>Failure behaviour: bad input gets BAD and the session goes on, up to a limit of BAD replies;
 * over-long lines and literals are refused without reading them into memory; store errors become
 * {@code NO [SERVERBUG]} and are logged. Mailbox names travel as modified UTF-7 on the wire and are kept
 * in Unicode by the store.
 */
package dev.postamt.imap;
