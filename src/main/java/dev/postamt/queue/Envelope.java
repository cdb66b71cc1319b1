package dev.postamt.queue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who a spooled message is from and for, with what the SMTP client told us about it. {@code sender}
 * is "" for the null reverse-path {@code <>}.
 *
 * @param body {@code 7BIT}, {@code 8BITMIME} or {@code BINARYMIME} (RFC 6152, RFC 3030)
 * @param ret {@code FULL} or {@code HDRS} when the client asked (RFC 3461 §4.3)
 * @param envid the client's envelope id (RFC 3461 §4.4), decoded from xtext
 * @param requireTls the client asked for REQUIRETLS (RFC 8689): every hop on verified TLS, or a bounce
 */
public record Envelope(
    String id,
    Instant arrival,
    String sender,
    List<Recipient> recipients,
    String body,
    boolean smtpUtf8,
    Optional<String> ret,
    Optional<String> envid,
    String clientHelo,
    String clientAddress,
    Optional<String> authUser,
    String protocol,
    boolean requireTls) {

  public Envelope(String id, Instant arrival, String sender, List<Recipient> recipients, String body, boolean smtpUtf8,
      Optional<String> ret, Optional<String> envid, String clientHelo, String clientAddress, Optional<String> authUser,
      String protocol) {
    this(id, arrival, sender, recipients, body, smtpUtf8, ret, envid, clientHelo, clientAddress, authUser, protocol, false);
  }

  /**
   * One envelope recipient.
   *
   * @param notifyOn RFC 3461 NOTIFY values (empty when the client gave none: the default)
   * @param orcpt the ORCPT parameter as given ("rfc822;a@b"), when given
   */
  public record Recipient(String address, List<String> notifyOn, Optional<String> orcpt) {
    public static Recipient of(String address) {
      return new Recipient(address, List.of(), Optional.empty());
    }
  }

  public List<String> recipientAddresses() {
    return addresses(recipients);
  }

  /**
   * The addresses of {@code recipients}, in order, as an unmodifiable list. A loop, not a stream: the mail
   * path asks for them about ten times per message (the trail's keys, the checks).
   */
  public static List<String> addresses(List<Recipient> recipients) {
    int n = recipients.size();
    if (n == 1) {
      return java.util.Collections.singletonList(recipients.getFirst().address());
    }
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = recipients.get(i).address();
    }
    return java.util.Collections.unmodifiableList(java.util.Arrays.asList(out));
  }
}
