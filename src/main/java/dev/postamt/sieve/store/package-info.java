/**
 * Where users' Sieve scripts are kept: {@link dev.postamt.sieve.store.SieveScripts}, the one owner of
 * that state (scripts, which one is active, the last run error); and their vacation auto-replies: {@link
 * dev.postamt.sieve.store.Vacations} (JMAP VacationResponse, the self-service page, delivery). The
 * language itself is in {@code sieve}.
 *
 * <p>On disk: {@link dev.postamt.sieve.store.SqliteSieveScripts} keeps {@code data_dir/sieve.db} (SQLite in
 * WAL mode, so also {@code sieve.db-wal} and {@code -shm}, mode 0600, schema version in {@code PRAGMA
 * user_version}); {@link dev.postamt.sieve.store.SqliteVacations} keeps {@code data_dir/vacation-responses.db} the
 * same way. PostgreSQL comes with scale-out behind the same interfaces and contract tests.
 *
 * <p>Failure behaviour: a refused change ({@link dev.postamt.sieve.store.SieveStoreException.Kind}: no such
 * script, active, exists, over a limit, bad name) changes nothing and says why in one line; a database
 * failure is {@code STORAGE}, which callers answer as temporary (ManageSieve {@code NO (TRYLATER)}).
 */
package dev.postamt.sieve.store;
