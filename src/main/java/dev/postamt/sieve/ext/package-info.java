/**
 * The Sieve extensions, one file (or a small group) each, like Pigeonhole's {@code plugins/}: each file
 * states the commands and tests it adds with their signatures, compile-time checks and behaviour.
 * {@link dev.postamt.sieve.ext.Extensions#all()} lists what this build implements. Tags an extension adds
 * to other commands (":copy", ":flags", ":create", ":regex", ":count") are declared on those commands with
 * the extension's name and exist only when the script requires it.
 *
 * <p>Failure behaviour: an extension reports script mistakes at compile time through the
 * {@link dev.postamt.sieve.Checker} and run-time problems as
 * {@link dev.postamt.sieve.SieveRuntimeException}, which ends the run with the implicit keep.
 */
package dev.postamt.sieve.ext;
