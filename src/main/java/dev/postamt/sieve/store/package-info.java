/**
 * Where users' Sieve scripts are kept: {@link dev.postamt.sieve.store.SieveScripts}, the one owner of
 * that state (scripts, which one is active, the last run error). The language itself is in {@code sieve}.
 *
 * <p>On disk: {@link dev.postamt.sieve.store.SqliteSieveScripts} keeps {@code data_dir/sieve.db} (SQLite in
 * WAL mode, so also {@code sieve.db-wal} and {@code -shm}, mode 0600, schema version in {@code PRAGMA
 * user_version}); PostgreSQL comes with scale-out behind the same interface and contract test.
 *
 * <p>Failure behaviour: a refused change ({@link dev.postamt.sieve.store.SieveStoreException.Kind}: no such
 * script, active, exists, over a limit, bad name) changes nothing and says why in one line; a database
 * failure is {@code STORAGE}, which callers answer as temporary (ManageSieve {@code NO (TRYLATER)}).
 */
package dev.postamt.sieve.store;
