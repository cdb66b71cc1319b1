/**
 * Mailbox import and export in the formats other programs use ({@code postamt import|export ADDRESS
 * mbox|maildir PATH}): mboxrd files ({@link dev.postamt.transfer.MboxReader}, {@link
 * dev.postamt.transfer.MboxWriter}) and Maildir++ trees ({@link dev.postamt.transfer.MaildirFormat}),
 * with folders, flags, keywords and INTERNALDATE, and a verification report after each ({@link
 * dev.postamt.transfer.MailboxTransfer}).
 *
 * <p>Everything streams: a message is read line by line in pieces of at most 64 KiB and held in memory
 * only up to 1 MiB (beyond that in a temp file, deleted after), so a 1 GB mbox needs no more memory than
 * a small one. Messages enter the store only through {@link dev.postamt.store.Account#append}.
 *
 * <p>Failure behaviour: a file that is not what its format says is refused with a one-line reason
 * before anything is stored from it; a failure half-way (quota, disk) stops the import with what was
 * appended so far kept (the report is not printed: run it again into a fresh account, or expect
 * duplicates). Export never overwrites a file.
 */
package dev.postamt.transfer;
