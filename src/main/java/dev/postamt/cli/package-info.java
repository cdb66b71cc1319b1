/**
 * The {@code postamt} command line (picocli). Each subcommand is thin: it parses its arguments, loads
 * the config with {@link dev.postamt.cli.ConfigOption}, calls one operation of {@link
 * dev.postamt.admin.Admin} (the same service the web console calls) and prints the result. Failures
 * ({@link dev.postamt.admin.AdminException}, and {@link dev.postamt.cli.CliException} for bad
 * arguments) become one line on stderr with a non-zero exit status; a stack trace is printed only with
 * {@code POSTAMT_DEBUG=1}. Admin commands work on the data directory directly, so they work whether or
 * not the server runs. A subcommand is a class ({@code AdminCommand}), or a method of its group
 * ({@code AdminGroup}) where the group's subcommands are listed by name anyway. {@code Arguments} holds
 * the conventions applied around parsing: {@code --config FILE} may stand anywhere (it is moved to the
 * end, where every command accepts it), and a domain argument that starts with a hyphen is reported as a
 * bad name rather than an unknown option.
 */
package dev.postamt.cli;
