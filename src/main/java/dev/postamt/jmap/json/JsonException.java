package dev.postamt.jmap.json;

/** A document that is not JSON (or not I-JSON), with the character offset where reading stopped. */
public final class JsonException extends Exception {
  private final int offset;

  public JsonException(String message, int offset) {
    super(message + " at offset " + offset);
    this.offset = offset;
  }

  public int offset() {
    return offset;
  }
}
