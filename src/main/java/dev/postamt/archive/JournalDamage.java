package dev.postamt.archive;

import java.io.IOException;

/**
 * A segment that does not read as an intact journal: a record cut short, a header that does not
 * parse, a hash that does not match, a broken chain. The message names the segment and the record.
 */
public final class JournalDamage extends IOException {
  private final String segment;
  private final long offset;
  private final transient JournalRecord readable;

  JournalDamage(String segment, long offset, String problem) {
    this(segment, offset, problem, null);
  }

  JournalDamage(String segment, long offset, String problem, JournalRecord readable) {
    super("segment " + segment + ", record at byte " + offset + ": " + problem);
    this.segment = segment;
    this.offset = offset;
    this.readable = readable;
  }

  /**
   * The record as read when only its content does not match its {@code sha256} (its layout is intact,
   * so reading can go on after it), with the hash its line states; null otherwise.
   */
  JournalRecord readable() {
    return readable;
  }

  /** The segment file's name. */
  public String segment() {
    return segment;
  }

  /** Where the damaged record starts (or the damage, when no record start is known). */
  public long offset() {
    return offset;
  }
}
