/**
 * Message parsing on bytes: the MIME tree of a message ({@link dev.postamt.mime.MimePart}), header
 * text (unfolding, RFC 2047 words, dates), Content-Type parameters with RFC 2231 continuations and
 * charsets ({@link dev.postamt.mime.MimeParameters}), RFC 5322 address lists, and the header section
 * as raw bytes, folds kept ({@link dev.postamt.mime.HeaderSection}), which DKIM/ARC hash and delivery
 * reads.
 *
 * <p>Parsers never throw on malformed mail: they return the best-effort structure a tolerant reader
 * (Dovecot, mutt) would see, because mail in a mailbox must be readable whatever its shape. Offsets point
 * into the original bytes; nothing is rewritten.
 */
package dev.postamt.mime;
