/**
 * Start-up and the lifecycle of the services.
 *
 * <p>{@link dev.postamt.server.Server} starts the store and queue before the listeners (nothing is
 * accepted that cannot be kept) and stops them in reverse; a port that cannot be bound ends start-up
 * with one line naming the port. The configuration it runs on comes from {@link dev.postamt.config}.
 */
package dev.postamt.server;
