package dev.postamt.routing;

import java.nio.file.Path;

/** Where one recipient's copy of a message ends up after alias and forward expansion. */
public sealed interface Destination {
  /** A local user's mailbox; {@code user} is the canonical address. */
  record Mailbox(String user) implements Destination {}

  /** An address outside our domains: goes out through the queue. */
  record Remote(String address) implements Destination {}

  /** {@code |command} from the aliases file: the message on the command's stdin. */
  record Pipe(String command) implements Destination {}

  /** {@code /path} from the aliases file: the message appended to the file in mbox format. */
  record File(Path path) implements Destination {}
}
