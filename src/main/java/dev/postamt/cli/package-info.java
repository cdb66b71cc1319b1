/**
 * The {@code postamt} command line (picocli). Each subcommand is thin: it loads the config with
 * {@link dev.postamt.cli.ConfigOption}, calls one service of the other packages, prints the result,
 * and turns failures into one line on stderr with a non-zero exit status ({@link
 * dev.postamt.cli.CliException}); a stack trace is printed only with {@code POSTAMT_DEBUG=1}. Admin
 * commands work on the data directory directly, so they work whether or not the server runs.
 */
package dev.postamt.cli;
