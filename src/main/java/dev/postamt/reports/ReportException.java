package dev.postamt.reports;

/** A report that cannot be read (not XML or JSON, too large, missing fields), or a store that fails; one line. */
public final class ReportException extends Exception {
  public ReportException(String message) {
    super(message);
  }

  public ReportException(String message, Throwable cause) {
    super(message, cause);
  }
}
