/**
 * Start-up and the lifecycle of the services.
 *
 * <p>{@link dev.postamt.server.Server} starts the store and queue before the listeners (nothing is
 * accepted that cannot be kept) and stops them in reverse; a port that cannot be bound ends start-up
 * with one line naming the port. The configuration it runs on comes from {@link dev.postamt.config}.
 *
 * <p>Start order (issue 27): what decides whether a message is accepted (directory, spool and queue,
 * store, TLS) opens before the listeners; the content scan is then built on a thread of its own ({@link
 * dev.postamt.server.BackgroundStart}) and a message that reaches the end of DATA first waits for it or is
 * deferred with {@code 451 4.7.1} ({@link dev.postamt.smtp.PendingSpamScanner}, {@link
 * dev.postamt.server.ContentScanStart}); the control socket, the sweeps and the HTTP listener's ports follow. {@link dev.postamt.server.StartSteps} times each step for the log.
 *
 * <p>What an idle server need not hold is made at its first use (issue 27, idle memory): the IMAP, POP3
 * and ManageSieve handlers at their first connection ({@link dev.postamt.server.LazyHandler}), Jetty,
 * JMAP and the web apps at the first connection to the HTTP ports, which are bound at start ({@link
 * dev.postamt.server.LazyWeb}); a failure to make them costs that connection, and the next one tries again.
 *
 * <p>On {@code close()} (the JVM's shutdown hook on SIGTERM) every open session is told first (SMTP/LMTP
 * {@code 421 4.3.2}, IMAP {@code * BYE}, POP3 {@code -ERR}); a message being received may finish within
 * a grace time of 10 s, then the rest is cut (the client was never answered 250 for it, so nothing is
 * lost). {@link dev.postamt.server.StatusRequests} answers {@code status}, {@code who} and {@code kick}
 * on the control socket ({@code data_dir/run/control.sock}, {@link dev.postamt.net.ControlSocket}),
 * beside the queue's requests.
 */
package dev.postamt.server;
