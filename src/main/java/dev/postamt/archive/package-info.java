/**
 * The compliance journal: with {@code [archive] journal = true}, an immutable copy of every message the
 * server accepts (received from other servers, submitted by users, made by the server itself), its
 * envelope included, kept apart from the mailboxes for an auditor. The spool hands each message to
 * {@link dev.postamt.archive.JournalWriter} (the {@link dev.postamt.queue.Journal} it owns) before it
 * commits it; the message is acknowledged only after its journal record is on disk.
 *
 * <p>On-disk layout, under {@code archive.dir} (default {@code data_dir/archive}); the format is
 * specified for other tools in {@code docs/archive.md}:
 *
 * <pre>
 * segments/YYYYMMDD-NNNN.journal   append-only records, hash-chained across all segments
 * index.db                         SQLite: one row per record (search), and the legal holds
 * audit.log                        who searched or exported what, holds, sweeps; each line chained
 * journal.lock                     held by the one process that appends (the server)
 * </pre>
 *
 * <p>Failure behaviour: a journal write that fails makes {@link dev.postamt.archive.JournalWriter#record}
 * throw, and the SMTP server answers {@code 451 4.3.0}: no message is accepted without its copy. A
 * message may be journalled and then not accepted (the spool commit failed after it): the journal may
 * hold a message twice after a retry, never miss one. The index is rebuilt from the segments past its
 * last row at start. Deletion happens only in the {@link dev.postamt.archive.RetentionSweep}, by whole
 * segments, after a tombstone record that keeps the chain verifiable;
 * {@link dev.postamt.archive.ArchiveVerifier} finds modified, removed, reordered and cut records.
 */
package dev.postamt.archive;
