package dev.postamt.antivirus;

/**
 * The limits against archive bombs, spent across one attachment with everything nested in it (a zip
 * of ten zips shares one budget, so nesting does not multiply it). Passing a limit throws {@link
 * ArchiveLimit}, which ends the look into that attachment.
 *
 * <ul>
 *   <li>{@link #MAX_DEPTH}: archives inside archives, the attachment itself being level 0 (a {@code
 *       .tar.gz} is two levels: the gzip and the tar in it);
 *   <li>{@link #MAX_ENTRIES}: entries in all its archives together;
 *   <li>{@link #MAX_TOTAL}: bytes its zip directories declare, and bytes actually inflated;
 *   <li>{@link #MAX_RATIO}: output per compressed byte, for a zip entry (declared) or while inflating,
 *       once past {@link #RATIO_FLOOR} (small files compress well without being bombs).
 * </ul>
 */
final class ArchiveBudget {
  static final int MAX_DEPTH = 4;
  static final int MAX_ENTRIES = 10_000;
  static final long MAX_TOTAL = 1L << 30;
  static final long MAX_RATIO = 200;
  static final long RATIO_FLOOR = 1L << 20;
  /**
   * The most of one nested zip or compound file read into memory to look at its directory; larger
   * ones inside an archive are judged by name only (an attachment itself is in memory already).
   */
  static final int MAX_MATERIALIZE = 64 << 20;

  private int entries;
  private long declared;
  private long inflated;

  void entry(String shown) throws ArchiveLimit {
    if (++entries > MAX_ENTRIES) {
      throw new ArchiveLimit(shown + ": more than " + MAX_ENTRIES + " archive entries");
    }
  }

  void declared(long bytes, String shown) throws ArchiveLimit {
    declared = bytes < 0 || declared + bytes < 0 ? Long.MAX_VALUE : declared + bytes;
    if (declared > MAX_TOTAL) {
      throw new ArchiveLimit(shown + " would unpack to more than " + MAX_TOTAL + " bytes");
    }
  }

  void inflated(long bytes, String shown) throws ArchiveLimit {
    inflated += bytes;
    if (inflated > MAX_TOTAL) {
      throw new ArchiveLimit(shown + ": more than " + MAX_TOTAL + " bytes unpacked, stopped there");
    }
  }

  /** Bytes inflated so far (for tests: a bomb is stopped early). */
  long inflated() {
    return inflated;
  }
}
