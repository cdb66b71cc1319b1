/**
 * The configuration: {@code postamt.toml} read into typed records with defaults and bounds.
 *
 * <p>A leaf package: it imports nothing of Postamt's, so every other package may depend on it without
 * tying itself to {@code server}. {@link dev.postamt.config.Config#load} reports every problem at once,
 * each naming its key; relative paths are resolved against the directory of the config file.
 */
package dev.postamt.config;
