package dev.postamt.queue;

import java.nio.file.Path;
import java.util.List;

/**
 * A message in the spool with the status of each recipient (same order as the envelope's).
 *
 * @param file the spool file: the message bytes first, then the envelope trailer
 * @param headers header lines we add in front of the message (Received:, Authentication-Results:)
 * @param size size of the message bytes
 * @param held whether it is on hold ({@code queue hold})
 * @param notices the DSNs already queued for its recipients (from the status log)
 * @param content the message bytes (the first {@code size} of them) when they are only in memory: a small
 *     message staged before the reply and not (yet) committed to its file ({@link DurableSpool.Writer#stage});
 *     null when they are in {@code file}. {@link DurableSpool#openMessage} reads either; never changed.
 */
public record QueuedMessage(
    Envelope envelope,
    List<RecipientStatus> statuses,
    Path file,
    String headers,
    long size,
    boolean held,
    List<Notice> notices,
    byte[] content) {

  /** A delivery status notification already queued for recipient {@code index}. */
  public record Notice(int index, String kind, String dsnId) {}

  public boolean notified(int index, String kind) {
    return notices.stream().anyMatch(n -> n.index() == index && n.kind().equals(kind));
  }

  /** How many distinct notifications this message has caused so far. */
  public int noticeCount() {
    return (int) notices.stream().map(Notice::dsnId).distinct().count();
  }

  public String id() {
    return envelope.id();
  }

  public boolean done() {
    return statuses.stream().allMatch(RecipientStatus::done);
  }
}
