/**
 * Who has mail here: local domains, mailbox users with their passwords, and aliases.
 *
 * <p>{@link dev.postamt.directory.Directory} is the one service; the CLI ({@code postamt domain|user|alias})
 * and the server (SMTP AUTH, routing, IMAP/POP3 login) both open it; behind it {@code PasswordLogins}
 * checks logins and {@code Aliases} keeps the aliases. {@link dev.postamt.directory.Address}
 * is the canonical form of an address (lower case, IDNA A-label domain) used for every key.
 *
 * <h2>On disk</h2>
 *
 * {@code data_dir/directory.db}, SQLite in WAL mode (so also {@code directory.db-wal} and
 * {@code -shm}), created with mode 0600 on first open. Schema version in {@code PRAGMA user_version}:
 *
 * <pre>
 *   domains(name PK, created)
 *   users(address PK, domain → domains, password, created,       password: Argon2id PHC string
 *         scram, quota_bytes, quota_messages)                    v2: SCRAM; v3: quotas, NULL = config default
 *   aliases(address, domain → domains, position, target)         address "@domain" = catch-all
 * </pre>
 *
 * v4 adds {@code users.disabled, role, totp}, {@code domain_admins} and {@code app_passwords}
 * ({@link dev.postamt.directory.AccountSecurity}); v5 {@code masks} ({@link dev.postamt.directory.Masks}).
 *
 * <h2>In PostgreSQL</h2>
 *
 * With {@code [database] url} set, {@link dev.postamt.directory.Directory#open(dev.postamt.config.Config)}
 * keeps the same tables, column for column, in the shared database (owner {@code directory} in
 * {@code postamt_schema}, version 1 = SQLite's version 5; text keys {@code COLLATE "C"} so that they compare
 * and sort as in SQLite). The SQL is the same on both; {@code DirectoryDb} runs it, and on PostgreSQL
 * serialises directory writes of all nodes with one advisory lock, as SQLite's write lock does for the
 * processes sharing the file. Logins are not cached across requests (the verified-login cache keys on the
 * stored hash it reads each time), so a user added, disabled or given a new password on one node is seen
 * by every node at its next login. The lookups of the mail path are ({@code LookupCache}, turned on by the
 * server): every directory write sends {@code NOTIFY postamt_directory} in its transaction, and each node
 * drops what it keeps when it hears one. {@code postamt migrate --to/--from} copies the six tables.
 *
 * Password strings are {@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, which Dovecot reads as
 * {@code {ARGON2ID}}, so a directory can be exported to Dovecot and back.
 *
 * <h2>Failure behaviour</h2>
 *
 * Every method reads or writes the database directly, except the lookups a server caches ({@code
 * LookupCache}: 60 s, 10 s for "not found"), which a change drops at once: one made in this process
 * directly, one by another node through its NOTIFY, one by another process on the SQLite file (the CLI)
 * through {@code PRAGMA data_version}, checked before every "not found" answer and at most a second
 * after a positive one. A failed lookup is never cached. A writer waits up to the busy timeout
 * (10 s) for another process's write; an unreachable PostgreSQL is a {@link
 * dev.postamt.directory.DirectoryException} naming the database (never its password). Invalid input to a change is a {@link dev.postamt.directory.DirectoryException} whose
 * message is one line fit for the CLI. Lookups treat malformed input as "not found" and throw only when
 * the database fails; callers answer such failures with a temporary error (SMTP 451/454), never a
 * permanent one. A stored password string that does not parse never matches.
 */
package dev.postamt.directory;
