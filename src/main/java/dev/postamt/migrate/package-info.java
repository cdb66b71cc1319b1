/**
 * Migration from another mail server: {@code postamt migrate imap --from imaps://host:port --user U
 * --password P --to ADDRESS [--insecure]} ({@link dev.postamt.migrate.ImapMigration}), with our own
 * small IMAP client ({@link dev.postamt.migrate.ImapSource}).
 *
 * <p>On disk: {@code data_dir/migrate/<id>.state}, one per (source URL, login, target user), the
 * progress of a migration ({@link dev.postamt.migrate.MigrationState}).
 *
 * <p>Failure behaviour: the source is only read. Each batch is stored, then recorded; an interruption
 * (network, kill) between the two copies that batch again on the next run (a duplicate, never a loss);
 * a NO from the source or a store refusal (quota) ends the run with a one-line message, and what was
 * copied stays recorded, so the next run goes on from there.
 */
package dev.postamt.migrate;
