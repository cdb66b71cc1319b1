package dev.postamt.antivirus;

/**
 * The attachment rules, each a named symbol of the content verdict. The names are part of the
 * interface: they appear in {@code X-Attachment-Policy}, in {@code postamt check message} and (through
 * the spam scanner) in its explanation, and administrators write them into rules and scores, so they
 * do not change once released. docs/antivirus.md lists them with the same descriptions.
 */
public enum AttachmentSymbol {
  ATTACH_EXECUTABLE_NAME("the file name ends in an executable or script extension"),
  ATTACH_DOUBLE_EXTENSION("a document extension right before the executable one (invoice.pdf.exe)"),
  ATTACH_BIDI_NAME("the file name contains Unicode bidirectional controls that hide its real end"),
  ATTACH_EXECUTABLE_CONTENT("the bytes are a program, script, shortcut or HTML application, whatever the name says"),
  ARCHIVE_EXECUTABLE_NAME("an archive entry with an executable or script name"),
  ARCHIVE_EXECUTABLE_CONTENT("an archive entry whose bytes are a program, script, shortcut or HTML application"),
  ARCHIVE_BOMB("an archive over the limits: depth, number of entries, compression ratio or total size"),
  ARCHIVE_ENCRYPTED("a password-protected archive or Office document: its content cannot be checked"),
  ARCHIVE_UNREADABLE("looks like an archive or Office document but its structure is damaged"),
  ARCHIVE_UNSUPPORTED("a 7z or RAR archive: recognised by its bytes, its content is not checked"),
  OFFICE_MACRO("an Office document with macros (a VBA project, OLE2 or OOXML)");

  private final String description;

  AttachmentSymbol(String description) {
    this.description = description;
  }

  /** One line for docs and explanations. */
  public String description() {
    return description;
  }
}
