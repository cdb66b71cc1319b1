/**
 * Checksums of known spam, our own local checksum network (as Razor, Pyzor and DCC, local first): a
 * fuzzy signature of a message's normalised text ({@link dev.postamt.filter.checksum.FuzzyHash}: word
 * shingles, min-hashed) is stored when the message is learned as spam; a later message whose signature
 * is close enough adds {@code FUZZY_SPAM}. Names, numbers and small edits change few shingles, so a
 * copy sent to the next victim still matches.
 *
 * <p>On disk: {@code data_dir/checksums.db} (SQLite, WAL), owned by {@link
 * dev.postamt.filter.checksum.SqliteChecksumStore}; its layout is described there. With {@code [database]
 * url = "postgresql://…"} the nodes share tables {@code checksum} and {@code checksum_band} instead ({@link
 * dev.postamt.filter.checksum.PgChecksumStore}), behind the same {@link
 * dev.postamt.filter.checksum.ChecksumStore} interface.
 *
 * <p>Failure behaviour: texts too short to say anything are not hashed and never match; a store that
 * cannot be read is an {@link java.io.IOException} (the scan defers the message).
 */
package dev.postamt.filter.checksum;
