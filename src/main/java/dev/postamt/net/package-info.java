/**
 * Listeners, connections and TLS shared by every protocol.
 *
 * <p>{@link dev.postamt.net.Listener} accepts on one platform thread and gives each connection a
 * virtual thread; connection limits (global and per client address) are enforced there. {@link
 * dev.postamt.net.Connection} owns the socket and swaps in TLS for STARTTLS, dropping any plaintext
 * read ahead (CVE-2011-0411). {@link dev.postamt.net.TlsContext} loads PEM files or makes a self-signed
 * certificate in {@code data_dir/tls/} on first start. A handler that throws ends only its own
 * connection; the listener logs it and releases the permit.
 */
package dev.postamt.net;
