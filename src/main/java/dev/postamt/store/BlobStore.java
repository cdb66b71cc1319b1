package dev.postamt.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Where one user's message bytes live, apart from the index that knows their UIDs and flags. A blob
 * is written once and never changed; it is named by the key {@link #put} returns, within the mailbox
 * it was stored in. The mailbox is given as the index knows it ({@link MailboxInfo}): the Maildir++
 * implementation ({@link MaildirBlobStore}) keeps each blob as a file in the mailbox's folder, found by
 * name, that other Maildir readers can use; {@link PgBlobStore} keeps rows in PostgreSQL keyed by the
 * mailbox id, which a rename keeps (so renaming moves nothing there).
 *
 * <p>Durability: {@link #put}, {@link #copy} and {@link #delete} return only once their effect is on
 * stable storage, so the index may commit afterwards. Flags are passed along only because Maildir
 * mirrors system flags in file names; a backend may ignore them.
 */
public interface BlobStore {
  /** Refuses ({@link StoreException.Kind#LIMIT}) a mailbox name this backend cannot hold. */
  void checkName(String mailbox);

  /** Creates the place for a mailbox's blobs; does nothing when it exists. */
  void createMailbox(String mailbox) throws IOException;

  /** Moves all blobs of a mailbox to a new name (RENAME). */
  void renameMailbox(String from, String to) throws IOException;

  /** Removes a mailbox with all its blobs. */
  void deleteMailbox(MailboxInfo mailbox) throws IOException;

  /** Stores exactly {@code size} bytes from {@code content}; returns the new blob's key. */
  String put(MailboxInfo mailbox, InputStream content, long size, Set<String> flags, long internalDate) throws IOException;

  /** Opens a blob for reading; empty when it is gone (expunged by another process). */
  Optional<MessageContent> open(MailboxInfo mailbox, String key, Set<String> flags) throws IOException;

  /** Copies a blob into another mailbox (a hard link where possible); returns the copy's key, or null if gone. */
  String copy(MailboxInfo fromMailbox, String key, Set<String> flags, long size, MailboxInfo toMailbox) throws IOException;

  /** Removes blobs of a mailbox; keys already gone are skipped. */
  void delete(MailboxInfo mailbox, Collection<MessageRecord> messages) throws IOException;

  /** The index changed a message's flags (best effort: Maildir renames the file; others ignore it). */
  void flagsChanged(MailboxInfo mailbox, String key, Set<String> oldFlags, Set<String> newFlags);
}
