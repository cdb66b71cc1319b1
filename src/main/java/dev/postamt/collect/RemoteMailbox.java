package dev.postamt.collect;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The remote INBOX of one account, as POP3 ({@link Pop3Mailbox}) or IMAP ({@link ImapMailbox}) shows it:
 * the messages with a stable id, their bytes, and deleting them. Deletions take effect when the
 * mailbox is closed (POP3's UPDATE state, RFC 1939 §6; IMAP EXPUNGE).
 */
interface RemoteMailbox extends AutoCloseable {

  /**
   * One remote message.
   *
   * @param id stable across sessions: {@code u:UIDL} (RFC 1939 §7) or {@code UIDVALIDITY/UID} (RFC 3501 §2.3.1.1)
   * @param handle the number this session uses for it (POP3 message number, IMAP UID)
   * @param size as the server reports it (octets)
   */
  record Message(String id, long handle, long size) {}

  /** Connects, secures and logs in; a refusal is an IOException with the server's words. */
  static RemoteMailbox open(RemoteUrl url, boolean insecure, boolean plaintext, String login, String password,
      Duration timeout) throws IOException {
    RemoteLink link = RemoteLink.connect(url, insecure, timeout);
    try {
      return switch (url.protocol()) {
        case POP3 -> Pop3Mailbox.open(link, plaintext, login, password);
        case IMAP -> ImapMailbox.open(link, plaintext, login, password);
      };
    } catch (IOException | RuntimeException e) {
      link.close();
      throw e;
    }
  }

  List<Message> list() throws IOException;

  /** The message's bytes with CRLF line ends. */
  byte[] fetch(Message m) throws IOException;

  /** Marks these for deletion; they go when the mailbox is {@linkplain #commit committed}. */
  void delete(List<Message> ms) throws IOException;

  /** Ends the session so that the deletions take effect (POP3 QUIT, IMAP EXPUNGE and LOGOUT). */
  void commit() throws IOException;

  /** Drops the connection (after {@link #commit}, or without: then nothing is deleted on POP3). */
  @Override
  void close();
}
