/**
 * Bans: the built-in fail2ban shared by every protocol. {@link dev.postamt.ban.Bans} counts failed
 * logins per client (an IPv4 address, an IPv6 /64) and bans a client that reaches {@code
 * ban.auth_failures} within {@code ban.window}, for {@code ban.duration} doubling with each repeat ban
 * up to {@code ban.max_duration}; repeated refusals by the MX port's policy ({@code
 * ban.policy_rejections} within the window: invalid recipients, DNS-listed clients, pregreets) ban the
 * same way; relay networks and {@code ban.allow} are never banned. The listener
 * asks it at every connection, before the greeting, from an in-memory copy (no SQL on that path).
 *
 * <p>State: {@code data_dir/bans.db} ({@link dev.postamt.ban.SqliteBanList}, SQLite in WAL mode), so
 * bans survive a restart; rows stay after their ban ends, for the doubling, and are forgotten once
 * ended longer than {@code ban.max_duration} ago. {@code postamt ban add|remove} write the same file
 * and then ask the running server (control socket, {@code ban-reload}) to read it again.
 *
 * <p>Failure: a ban that cannot be written is still enforced until the server stops (and logged); a
 * database that cannot be read leaves the cache as it was. Nothing here refuses mail by itself except a
 * connection from a banned client.
 */
package dev.postamt.ban;
