package dev.postamt.sieve;

import java.util.List;

/**
 * A message a result asks delivery to send (a vacation reply, a mailto notification, a rejection notice,
 * a redirected copy): the SMTP envelope ("" is the null reverse-path) and the complete RFC 5322 message
 * with CRLF line ends. Composed by the extension that owns the action, so delivery, {@code sieve test}
 * and the Pigeonhole test suite see the same bytes.
 */
public record OutgoingMessage(String envelopeFrom, List<String> envelopeTo, byte[] content) {
  public OutgoingMessage {
    envelopeTo = List.copyOf(envelopeTo);
  }
}
