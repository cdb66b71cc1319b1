/**
 * Online backup and restore of an installation ({@code postamt backup}, {@code backup verify}, {@code
 * restore}), whole or one account, taken while the server runs.
 *
 * <h2>On-disk layout of a backup directory</h2>
 *
 * <p>{@code PATH/<yyyyMMdd'T'HHmmss'Z'>/} per backup (a snapshot), each complete on its own:
 *
 * <ul>
 *   <li>{@code data/} — the data directory's files at their relative paths: every SQLite database as a
 *       consistent snapshot ({@code VACUUM INTO}), the queue, DKIM keys, the generated TLS files, and
 *       the users' homes as the store copies them ({@link dev.postamt.store.StoreBackup}: the index
 *       snapshot first, then the message files named as that index says). Left out: {@code run/},
 *       {@code tmp/}, {@code restore-saved/} and the upgrade snapshots of {@code upgrade/} ({@link
 *       dev.postamt.upgrade}).
 *   <li>{@code config/} — the config file; {@code external/} — TLS files the config names outside the
 *       data directory.
 *   <li>{@code postgresql.dump} — with {@code [database] url}, a whole-installation backup adds the
 *       PostgreSQL database in {@code pg_dump}'s custom format (one consistent snapshot, taken after the
 *       mail; {@link dev.postamt.backup.PgDump}); a whole restore puts it back with {@code pg_restore}
 *       in one transaction. An account backup holds only the account's files: its index rows in
 *       PostgreSQL come back with the whole-installation backup, or are rebuilt from the files.
 *   <li>{@code backup.info} — when, of what (whole or one account), counts.
 *   <li>{@code MANIFEST.sha256} — one {@code <sha256>  <path>} line per file, the format of {@code
 *       sha256sum}, so {@code sha256sum -c MANIFEST.sha256} in the snapshot checks it too. Written last
 *       (atomically): a snapshot without it is unfinished and ignored.
 * </ul>
 *
 * <p>Incremental: a file whose size and modification time equal those of the same file in the newest
 * earlier snapshot (a message file keeps its identity across flag renames) is a hard link to it, with
 * its hash taken from that manifest; so each snapshot costs only what changed, and deleting an old
 * snapshot never harms a newer one.
 *
 * <h2>Order and consistency</h2>
 *
 * <p>The queue is copied before the mail homes: a message delivered in between is then in both (the
 * restored queue's retry finds it delivered, by its delivery id), never in neither. So a restore holds
 * every message acknowledged with 250 before the backup began, in a mailbox or in the queue.
 *
 * <h2>Failure behaviour</h2>
 *
 * <p>A failed backup leaves an unfinished snapshot (no manifest) that the next backup neither restores
 * nor links against; the data directory is only read. Restore refuses while a server runs on the data
 * directory, checks every hash before it writes anything, and moves what it replaces aside ({@code
 * DATA_DIR.before-restore-STAMP} for a whole restore, {@code data_dir/restore-saved/STAMP/} for an
 * account) instead of deleting it.
 */
package dev.postamt.backup;
