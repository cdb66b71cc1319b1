package dev.postamt.store;

import java.io.IOException;

/**
 * Stands in for the stored bytes of a message when they are only a stand-in themselves: an IM2000 stub
 * (see {@code dev.postamt.im2000}) whose full message is held by the sender's server and pulled the
 * first time it is read. {@link Account#open} asks it for every message it opens; for anything that is
 * not a stub it gives the stored content back unchanged, cheaply.
 *
 * <p>The stub file itself is never rewritten (message files are immutable): the resolver keeps the
 * pulled message apart and hands out its bytes instead. A stub is delivered under the size of the
 * message it stands for ({@link MailStore#deliver} names the size in the index), so IMAP's RFC822.SIZE
 * and the quota see that size from the start and do not change when it is pulled.
 *
 * <p>Readers that are not a person reading (the full-text indexer) run inside {@link #UNATTENDED}: a
 * stub is then not pulled, and {@link #resolve} answers {@link Outcome#NOT_NOW}, so the indexer leaves
 * the message to be read at search time.
 */
public interface MessageResolver {
  /** Bound (to true) while a background reader opens messages: stubs are not pulled for it. */
  ScopedValue<Boolean> UNATTENDED = ScopedValue.newInstance();

  /** What {@link #resolve} made of a stored message. */
  enum Outcome {
    /** Serve the content given back (the stored one, or the full message the stub stood for). */
    CONTENT,
    /** A stub that is not pulled for this reader: treat the message as unreadable for now. */
    NOT_NOW
  }

  /** The content to serve and what it is; the caller closes the content. */
  record Resolved(Outcome outcome, MessageContent content) {}

  /** Leaves every message as stored. */
  MessageResolver NONE = (user, stored) -> new Resolved(Outcome.CONTENT, stored);

  /**
   * @param user whose message it is (a stub is only ever resolved for a recipient it was addressed to)
   * @param stored the stored content, which this method either returns or closes
   * @return never null; on trouble (the sender unreachable) the stored stub itself, which says so
   */
  Resolved resolve(String user, MessageContent stored) throws IOException;
}
