package dev.postamt.jmap;

/**
 * The limits the session resource announces (RFC 8620 §2, {@code urn:ietf:params:jmap:core}) and
 * the API enforces.
 *
 * @param maxSizeUpload bytes of one upload ({@code limits.message_size})
 * @param maxSizeRequest bytes of one API request body
 */
public record JmapLimits(
    long maxSizeUpload,
    int maxConcurrentUpload,
    long maxSizeRequest,
    int maxConcurrentRequests,
    int maxCallsInRequest,
    int maxObjectsInGet,
    int maxObjectsInSet) {

  /** Our defaults, with uploads as large as a message may be. */
  public static JmapLimits defaults(long messageSize) {
    return new JmapLimits(messageSize, 4, 10_000_000, 4, 32, 500, 500);
  }
}
