/**
 * The Sender Rewriting Scheme (SRS) for mail we forward to other domains, compatible with libsrs2 and
 * Postsrsd: {@link dev.postamt.srs.Srs#forward} turns the envelope sender of a forwarded copy into an
 * address of ours ({@code SRS0=HHHH=TT=example.org=user@our.domain}) so that the next hop's SPF check
 * sees our domain, and {@link dev.postamt.srs.Srs#reverse} turns a bounce's recipient back into the
 * original sender after checking the HMAC and the timestamp.
 *
 * <p>Who calls it: the queue rewrites the sender of each copy an alias or {@code .forward} sends to a
 * remote address ({@code queue.QueueManager}, through {@code routing.Router#forwardSender}); the SMTP
 * server reverses {@code RCPT TO} addresses at the SRS domain and refuses forged or expired ones
 * ({@code smtp.RecipientLookup}); Sieve's redirect takes {@code Srs::forward} as its sender rewriter.
 *
 * <h2>On disk</h2>
 *
 * {@code srs.key_file} (default {@code data_dir/srs.key}): the secrets, one per line, the first signs and
 * all verify; created with mode 0600 on first use ({@link dev.postamt.srs.SrsKeys}).
 *
 * <h2>Failure behaviour</h2>
 *
 * A key file that cannot be read or created is an {@link java.io.UncheckedIOException} from both
 * directions: the queue defers the forwarded copy (4xx) rather than send it unrewritten, the SMTP
 * server answers 451. An SRS address that fails its check is a {@link dev.postamt.srs.SrsException}
 * naming why (malformed, bad hash, expired), which the SMTP server turns into {@code 550 5.1.1}.
 */
package dev.postamt.srs;
