package dev.postamt.archive;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A journalled message as the index knows it: its envelope, the two header fields people search by,
 * and where its bytes are.
 *
 * @param seq its record's sequence number in the journal (unique, increasing)
 * @param sender the envelope sender (MAIL FROM), "" for the null reverse-path
 * @param recipients the envelope recipients (RCPT TO), in order
 * @param client the client's IP address, or "local" for mail the server made itself
 * @param authUser the submitting user, or "" when the client did not authenticate
 * @param offset where its record starts in {@code segment}
 * @param direction {@code in} (received from another server) or {@code out} (submitted by a user of ours,
 *     or made by the server: notices, forwards)
 */
public record ArchivedMessage(
    long seq, Instant time, String queueId, String sender, List<String> recipients, String subject, String messageId,
    String client, String helo, String authUser, String direction, String segment, long offset, long size) {

  /** The domains of the sender and the recipients, lower case, each once. */
  public List<String> domains() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(sender), recipients.stream())
        .map(ArchivedMessage::domainOf).filter(d -> !d.isEmpty()).distinct().toList();
  }

  static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
  }
}
