package dev.postamt.sieve;

import java.util.ArrayList;
import java.util.List;

/**
 * The message as a script sees it. Delivery gives a {@link MimeSieveMessage} over the parsed message, so
 * the message is parsed once whatever the number of rules; tests supply their own.
 */
public interface SieveMessage {
  /** One header field, its value unfolded but not decoded (RFC 2047 words intact, 8-bit as read). */
  record Header(String name, String value) {}

  /**
   * A body part for the body test (RFC 5173): its media type and its content decoded to text. A
   * {@code multipart} entry is not a leaf: for a multipart part its prologue or its epilogue (each an
   * entry of its own), for message/rfc822 the nested header (RFC 5173 §5.2); empty when there is none.
   */
  record BodyPart(String contentType, String text, boolean multipart) {}

  /** The header fields of the top-level message, in order. */
  List<Header> headers();

  /** RFC 5228 §5.9: the size in octets. */
  long size();

  /** The body as it is on the wire, for {@code body :raw}. */
  String rawBody();

  /** Every part, transfer decoding undone and text in its charset decoded, in tree order. */
  List<BodyPart> bodyParts();

  /** Values of the header {@code name} (case-insensitive), in order. */
  default List<String> headerValues(String name) {
    List<String> out = new ArrayList<>(2);
    for (Header h : headers()) {
      if (h.name().equalsIgnoreCase(name)) {
        out.add(h.value());
      }
    }
    return out;
  }
}
