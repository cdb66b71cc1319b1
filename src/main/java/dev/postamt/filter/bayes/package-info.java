/**
 * The Bayes classifier: {@link dev.postamt.filter.bayes.Tokenizer} (decoded header fields under their
 * own prefixes, visible text, links split into parts, character bigrams for scripts without spaces;
 * tokens hashed to 64 bits), {@link dev.postamt.filter.bayes.Classifier} (Robinson's f(w) and Fisher's
 * chi-square combining, SpamAssassin's constants and {@code BAYES_00}…{@code BAYES_999} bands), {@link
 * dev.postamt.filter.bayes.BayesStore} (token and message counts per scope, idempotent learning by
 * message digest, expiry) and {@link dev.postamt.filter.bayes.Bayes}, the {@link dev.postamt.filter.Check}
 * and its training. {@link dev.postamt.filter.bayes.Training} learns a message everywhere it should go
 * (Bayes, and the checksums of known spam) for {@code postamt spam learn} and for IMAP moves into and
 * out of Junk.
 *
 * <p>On disk: {@code data_dir/bayes.db} (SQLite, WAL), owned by {@link
 * dev.postamt.filter.bayes.SqliteBayesStore}; its layout is described there. Scopes are {@code ''}
 * (global) and users' addresses.
 *
 * <p>Failure behaviour: a malformed message gives fewer tokens, never an error. A database that cannot
 * be read is an {@link java.io.IOException} (the scan defers the message); learning that fails is
 * reported to whoever asked (the CLI prints it, IMAP learning logs it and the IMAP command still
 * succeeds). No score is given until {@code spam.bayes_min_learned} spam and ham are learned.
 */
package dev.postamt.filter.bayes;
