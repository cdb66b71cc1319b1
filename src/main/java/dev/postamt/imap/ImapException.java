package dev.postamt.imap;

/**
 * The one way a command fails: it carries the tagged reply ({@code NO} or {@code BAD}, an optional
 * response code such as {@code TRYCREATE}, and the text). Thrown anywhere below a command, caught once
 * by the session, which writes {@code <tag> NO [CODE] text}.
 */
public final class ImapException extends Exception {
  /** The status of the tagged reply. */
  public enum Status {
    NO,
    BAD
  }

  private final Status status;
  private final String code;

  public ImapException(Status status, String code, String text) {
    super(text);
    this.status = status;
    this.code = code;
  }

  public static ImapException bad(String text) {
    return new ImapException(Status.BAD, null, text);
  }

  public static ImapException bad(String code, String text) {
    return new ImapException(Status.BAD, code, text);
  }

  public static ImapException no(String text) {
    return new ImapException(Status.NO, null, text);
  }

  public static ImapException no(String code, String text) {
    return new ImapException(Status.NO, code, text);
  }

  public Status status() {
    return status;
  }

  /** A response code without brackets (RFC 5530), or null. */
  public String code() {
    return code;
  }

  /** The reply after the tag, e.g. {@code NO [TRYCREATE] Mailbox doesn't exist}. */
  public String reply() {
    return status + (code == null ? "" : " [" + code + "]") + " " + getMessage();
  }
}
