/**
 * Header-forgery analysis: the Received chain read as hops ({@link dev.postamt.filter.forgery.ReceivedHop}:
 * the common Postfix, Sendmail, Exim, qmail, Exchange and Gmail forms), and the header fields checked
 * against it and each other ({@link dev.postamt.filter.forgery.HeaderForgery}): chronology, HELO names
 * against addresses and reverse names, reserved addresses, Date against arrival, Message-ID against the
 * sender and path, From/envelope/Reply-To, display names carrying other addresses, forged webmail and
 * mail-client traces; and our own SPF/DKIM/DMARC/ARC/iprev results as SpamAssassin-named symbols.
 *
 * <p>Failure behaviour: nothing here throws for any input; a part that fails on an odd message is
 * logged at debug level and the others still run. No state, no I/O: the check reads only the message
 * and the {@link dev.postamt.filter.ScanInput}.
 */
package dev.postamt.filter.forgery;
