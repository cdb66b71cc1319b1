/**
 * The content verdict at the end of DATA: a scan of the parsed message by independent {@link
 * dev.postamt.filter.Check}s (rules in the SpamAssassin language, Bayes, checksums of known spam,
 * header-forgery analysis, URI lists, white- and blacklists), each adding named {@link
 * dev.postamt.filter.Symbol}s with a score and a one-line reason to the {@link
 * dev.postamt.filter.Findings}; the sum decides the action ({@code [spam]} thresholds).
 *
 * <p>The message is read once, up to {@code spam.max_size}, into a {@link
 * dev.postamt.filter.ScannedMessage}, which parses its MIME structure, decodes the text parts and
 * reduces HTML to text lazily, so that every check shares the same work. What the server already knows
 * (client, HELO, envelope, our own SPF/DKIM/DMARC/ARC/iprev results) comes in a {@link
 * dev.postamt.filter.ScanInput}.
 *
 * <p>{@link dev.postamt.filter.SpamScanner} runs the checks ({@code filter.pipeline.Filters}
 * builds them from the config) and returns a {@link dev.postamt.filter.Verdict}: the score, the
 * symbols and the action ({@code add_header}, {@code quarantine}, {@code reject}; {@code
 * outbound_reject} for authenticated submissions). {@link dev.postamt.filter.SpamHeaders} writes it as
 * SpamAssassin's {@code X-Spam-*} fields; {@link dev.postamt.filter.Learner}s (Bayes autolearn) run
 * after a scan. Failure behaviour: a check that throws an unchecked exception is logged and skipped
 * (never a lost or refused message for a bug of ours); an {@link java.io.IOException} from a check
 * propagates and the SMTP server defers the message ({@code 451 4.7.1}); a failing learner is logged.
 * This package owns no on-disk state; the sub-packages that keep databases say so.
 *
 * <p>Sub-packages: {@code rules} (the rule language), {@code bayes} (tokenizer, classifier, token
 * store, training), {@code checksum} (fuzzy hashes of known spam), {@code forgery} (the Received chain
 * and header consistency), {@code uri} (link extraction and URI DNS lists), {@code lists} (white- and
 * blacklists, per user and global).
 */
package dev.postamt.filter;
