package dev.postamt.imap;

import java.util.Map;

/**
 * One command as {@link CommandReader} assembled it: the line(s) without the final CRLF, each literal
 * in its {@code {n}CRLF<n bytes>} wire form, except that a literal spilled to a file keeps only its
 * {@code {n}CRLF} header here and is found in {@code spilled} under the offset where its bytes would
 * have begun. Closing it deletes the spill files.
 */
record CommandBytes(byte[] bytes, Map<Integer, Literal> spilled) implements AutoCloseable {
  CommandBytes(byte[] bytes) {
    this(bytes, Map.of());
  }

  @Override
  public void close() {
    spilled.values().forEach(Literal::close);
  }
}
