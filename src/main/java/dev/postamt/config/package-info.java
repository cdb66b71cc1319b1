/**
 * The configuration: {@code postamt.toml} read into typed records with defaults and bounds.
 *
 * <p>A leaf package: it imports nothing of Postamt's, so every other package may depend on it without
 * tying itself to {@code server}. {@link dev.postamt.config.Config#load} reports every problem at once,
 * each naming its key; relative paths are resolved against the directory of the config file.
 *
 * <p>{@link dev.postamt.config.DataDirLock}: the lock that keeps a second {@code serve} off the same
 * {@code data_dir}, and how the CLI finds the running server's process id; here so that {@code admin}
 * (and the web console through it) need not depend on {@code server}.
 */
package dev.postamt.config;
