/**
 * The mailbox store. Each user's mail is a Maildir++ directory under {@code
 * data_dir/mail/<domain>/<localpart>/Maildir} ({@link dev.postamt.store.MailboxLayout}), readable by
 * mutt, Dovecot or rsync as it is. Delivery writes into {@code tmp/}, fsyncs, renames into {@code new/}
 * and fsyncs the directory ({@link dev.postamt.store.Maildir}); message files are never rewritten.
 */
package dev.postamt.store;
