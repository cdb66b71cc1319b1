package dev.postamt.antivirus;

import java.io.IOException;

/**
 * An archive went past one of the {@link ArchiveBudget} limits while being read: the reading stops
 * there, and the attachment gets {@link AttachmentSymbol#ARCHIVE_BOMB} with this message as reason.
 * An {@link IOException} so that it passes through the streams it stops; every other {@code
 * IOException} while looking into an archive means damaged data ({@link AttachmentSymbol#ARCHIVE_UNREADABLE}).
 */
final class ArchiveLimit extends IOException {
  ArchiveLimit(String reason) {
    super(reason);
  }
}
