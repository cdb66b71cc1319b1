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
 * <p>Attachment rules, independent of clamd ({@link dev.postamt.antivirus.AttachmentPolicy}): names,
 * the actual bytes ({@code ContentMagic}), and what is inside zip, gzip and tar archives and Office
 * compound files, nested in any order ({@code ContentInspector}, {@code ZipDirectory}, {@code
 * GzipStream}, {@code TarReader}, {@code Ole2Directory}) under one budget against archive bombs ({@code ArchiveBudget}:
 * declared sizes first, then inflation watched and stopped at the limit). Each rule is a stable
 * {@link dev.postamt.antivirus.AttachmentSymbol}. Data that does not parse is reported as unreadable,
 * never passed as clean; no parser allocates more than the data it reads or loops on a cyclic chain.
 *
 * <p>Failure behaviour: clamd unreachable, closing the connection, answering an error (for instance a
 * stream over its {@code StreamMaxLength}) or silent past the time-out all give {@code Unavailable},
 * never {@code Clean}. The package keeps no state on disk. One scanner (one pool of clamd sessions) per
 * running server; a reload that changes {@code [antivirus]} closes the old pool ({@link
 * dev.postamt.antivirus.VirusScanner#forOwner}).
 */
package dev.postamt.antivirus;
