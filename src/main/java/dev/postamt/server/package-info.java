/**
 * Start-up, configuration and the lifecycle of the services.
 *
 * <p>{@link dev.postamt.server.Config} reads {@code postamt.toml} into typed records with defaults and
 * bounds and reports every problem at once, each with its key. {@link dev.postamt.server.Server}
 * starts the store and queue before the listeners (nothing is accepted that cannot be kept) and stops
 * them in reverse; a port that cannot be bound ends start-up with one line naming the port.
 */
package dev.postamt.server;
