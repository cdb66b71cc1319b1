/**
 * The ManageSieve server (RFC 5804): users upload, check, list, activate, rename and delete their Sieve
 * scripts from a mail client (Thunderbird's Sieve add-on, Roundcube's managesieve plugin, sieve-connect).
 *
 * <p>Shape: {@link dev.postamt.managesieve.ManageSieveServer} is the {@code managesieve} listener's handler
 * (port 4190, STARTTLS); {@link dev.postamt.managesieve.ManageSieveSession} runs one connection against
 * its command table, with authentication (SASL PLAIN and SCRAM-SHA-256 through the directory, only under
 * TLS or from loopback, the failed-login throttle shared with IMAP, POP3 and SMTP, one login log line with
 * {@code proto=managesieve}); {@code RequestReader} parses requests (quoted strings, literals, numbers);
 * {@code ScriptCommands} does the script commands over {@link dev.postamt.sieve.store.SieveScripts}.
 * Scripts are compiled with every extension of {@link dev.postamt.sieve.ext.Extensions} before they are
 * stored; the SIEVE capability is that compiler's list.
 *
 * <p>Failure behaviour: bad syntax, an unknown command or one not allowed in the state is a {@code NO} with
 * the reason, counted; past {@code limits.errors} the session ends with {@code BYE}. A script that does not
 * compile is refused with {@code NO} and its errors as {@code LINE:COLUMN: message} lines, and is not
 * stored. Limits: request lines 8 KiB, literals 8 KiB before login and the script size limit after it (a
 * literal up to four times that is read and refused with {@code NO (QUOTA/MAXSIZE)}, a larger one ends the
 * session); the idle timer and {@code limits.command_deadline} end a session with {@code BYE}. A failure
 * of the script storage is {@code NO (TRYLATER)} and logged. This package owns no state on disk.
 */
package dev.postamt.managesieve;
