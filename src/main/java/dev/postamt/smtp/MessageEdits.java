package dev.postamt.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * Changes END_OF_DATA checks ask for: header fields to add in front of the message (the
 * Authentication-Results, ARC and DKIM-Signature fields) and header fields of the message to drop
 * (forged Authentication-Results). Applied once, after every check has run, before the commit; the
 * message file itself is only rewritten when a field is dropped.
 */
final class MessageEdits {
  private final StringBuilder headers = new StringBuilder();
  private final List<Integer> dropFields = new ArrayList<>();

  /** @param fields header fields, each CRLF-terminated, added in front of those added so far */
  void prepend(String fields) {
    headers.insert(0, fields);
  }

  /** @param positions 0-based positions of header fields of the received message */
  void drop(List<Integer> positions) {
    dropFields.addAll(positions);
  }

  String headers() {
    return headers.toString();
  }

  List<Integer> dropFields() {
    return List.copyOf(dropFields);
  }
}
