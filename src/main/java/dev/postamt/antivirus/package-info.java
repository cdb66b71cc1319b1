/**
 * Virus scanning with ClamAV's clamd, without amavis: our own client of the clamd socket protocol
 * ({@link dev.postamt.antivirus.ClamdClient}: {@code zINSTREAM}, {@code zPING}, {@code zVERSION} in an
 * {@code IDSESSION}, over a unix socket or TCP, pooled, under a time-out) and the verdict on one message
 * ({@link dev.postamt.antivirus.VirusScanner}: the raw message, then each decoded MIME part, each
 * stream at most {@code antivirus.max_size} bytes, clamd's {@code StreamMaxLength}).
 *
 * <p>The SMTP end-of-data stage calls it ({@code smtp.VirusCheck}) and acts on the verdict: refuse
 * ({@code 554 5.7.0}), quarantine or discard a virus, and answer {@code 451 4.7.1} (or accept, marked
 * unscanned) when clamd is unavailable. It adds the {@code X-Virus-Scanned} and {@code X-Virus-Status}
 * header fields that Sieve's {@code virustest} (RFC 5235) reads; see docs/antivirus.md.
 *
 * <p>Failure behaviour: clamd unreachable, closing the connection, answering an error (for instance a
 * stream over its {@code StreamMaxLength}) or silent past the time-out all give {@code Unavailable},
 * never {@code Clean}. The package keeps no state on disk.
 */
package dev.postamt.antivirus;
