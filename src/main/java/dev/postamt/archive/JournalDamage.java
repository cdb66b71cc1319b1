package dev.postamt.archive;

import java.io.IOException;

/**
 * A segment that does not read as an intact journal: a record cut short, a header that does not
 * parse, a hash that does not match, a broken chain. The message names the segment and the record.
 */
public final class JournalDamage extends IOException {
  private final String segment;
  private final long offset;

  JournalDamage(String segment, long offset, String problem) {
    super("segment " + segment + ", record at byte " + offset + ": " + problem);
    this.segment = segment;
    this.offset = offset;
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
