/**
 * Listeners, connections and TLS shared by every protocol.
 *
 * <p>{@link dev.postamt.net.Listener} accepts on one platform thread and gives each connection a
 * virtual thread; connection limits (global and per client address) are enforced there. {@link
 * dev.postamt.net.Connection} owns the socket and swaps in TLS for STARTTLS, dropping any plaintext
 * read ahead (CVE-2011-0411), and on request puts raw DEFLATE ({@link dev.postamt.net.Deflate}, IMAP
 * COMPRESS) beneath its line accounting. {@link dev.postamt.net.TlsContext} loads PEM files or makes a self-signed
 * certificate in {@code data_dir/tls/} on first start; {@link dev.postamt.net.PemFiles} reads the common
 * PEM forms with the JDK alone, {@link dev.postamt.net.BcPem} (Bouncy Castle) the rest and the
 * self-signed certificate, so that a restart loads no Bouncy Castle class. A handler that throws ends only its own
 * connection; the listener logs it and releases the permit.
 *
 * <p>The listener also knows its open connections: {@link dev.postamt.net.Listener#goodbye} ends one
 * with its protocol's last line ({@link dev.postamt.net.ConnectionHandler#goodbye}), written by {@link
 * dev.postamt.net.Connection#goodbye} only while the session waits between commands (one writer at a
 * time) and held off while a message is received; a connection records who logged in on it ({@code
 * postamt who}, {@code kick}). {@link dev.postamt.net.ControlSocket} is the running server's admin
 * socket ({@code data_dir/run/control.sock}), one request line, one reply line, answered by handlers.
 * {@link dev.postamt.net.LoginLog} writes the one line per login attempt of every protocol.
 *
 * <p>Resource limits shared by the protocols: {@link dev.postamt.net.LineReader} bounds a line's
 * bytes; {@link dev.postamt.net.Connection}'s input ({@link dev.postamt.net.ConnectionInput}) bounds its
 * time, the wait for a line by the idle time-out and the line itself by {@code limits.command_deadline} ({@link
 * dev.postamt.net.LineDeadlineException}); {@link dev.postamt.net.AuthThrottle} counts failed logins
 * per client network (IPv6 per /64), refusing past {@code limits.auth_failures_per_ip}, and per
 * account, delaying the next failed answer for it (never a lockout), and passes each failure on
 * ({@link dev.postamt.net.AuthThrottle#onFailure}, the ban list). Before the greeting the listener asks
 * its {@link dev.postamt.net.Listener.Gate} (the ban list); a refused client hears {@link
 * dev.postamt.net.ConnectionHandler#refuseBanned} and the connection is closed. The listener also
 * limits how many connections one client opens per minute ({@code limits.connection_rate_per_ip},
 * like anvil), besides how many it holds at once.
 *
 * <p>PROXY protocol ({@code [proxy_protocol]}): on a listed listener, a connection from one of the
 * {@code from} networks must begin with a v1 or v2 header ({@link dev.postamt.net.ProxyHeader}), read
 * byte by byte before the greeting or TLS handshake, within {@code proxy_protocol.timeout}; from then
 * on {@link dev.postamt.net.Connection#remote} is the client it names, so bans, limits, policy and
 * Received fields see the real client. A proxy that sends no valid header, and a client from anywhere
 * else that sends one, is refused and logged ({@code proxy_protocol: refused …}).
 */
package dev.postamt.net;
