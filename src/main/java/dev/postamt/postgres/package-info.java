/**
 * PostgreSQL for shared state ({@code [database] url = "postgresql://…"}): one connection pool per process
 * and target ({@link dev.postamt.postgres.PgDatabase}, HikariCP over the pgjdbc driver) and versioned schema
 * migrations per state owner, run at start-up under an advisory lock so that several nodes starting at once
 * migrate once. {@link dev.postamt.postgres.PgNotifications} carries {@code LISTEN}/{@code NOTIFY} between
 * the nodes, and {@link dev.postamt.postgres.CachedReads} keeps an owner's read-mostly answers until one of
 * its writes is heard of.
 *
 * <p>Like {@code dev.postamt.sqlite}, this package holds no SQL of any kind of state: each owner (ban list,
 * greylist, web sessions, …) has its SQLite class and its PostgreSQL class side by side in its own package,
 * behind one interface, and one contract test runs against both.
 */
package dev.postamt.postgres;
