package dev.postamt.queue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The queue operations of {@code postamt queue} (like mailq, postqueue -f and postsuper -r/-d/-h/-H),
 * written once: the running server performs them through its control socket ({@code net.ControlSocket}) with its queue
 * manager, and the CLI performs them on the spool directly when no server listens. Every operation is
 * safe while deliveries run: spool changes are atomic renames or fsync'd status lines.
 */
public final class QueueAdmin {
  private final DurableSpool spool;
  private final Optional<QueueManager> queue;

  /** @param queue the running queue manager, or null for direct spool edits */
  public QueueAdmin(DurableSpool spool, QueueManager queue) {
    this.spool = spool;
    this.queue = Optional.ofNullable(queue);
  }

  public DurableSpool spool() {
    return spool;
  }

  /** Every message in the queue, oldest first; messages that vanish while listing are skipped. */
  public List<QueuedMessage> list() throws IOException {
    List<QueuedMessage> out = new ArrayList<>();
    for (String id : spool.ids()) {
      spool.load(id).ifPresent(out::add);
    }
    return out;
  }

  public Optional<QueuedMessage> show(String id) throws IOException {
    return spool.load(id);
  }

  /**
   * Retries every deferred recipient now. Without a server the back-off is reset, so the server tries
   * them as soon as it starts. Returns the number of messages concerned.
   */
  public int flush() throws IOException {
    if (queue.isPresent()) {
      return queue.get().flush();
    }
    int n = 0;
    for (QueuedMessage m : list()) {
      QueueManager.resetDeferred(spool, m);
      n++;
    }
    return n;
  }

  /** False when there is no such message. */
  public boolean requeue(String id) throws IOException {
    if (queue.isPresent()) {
      return queue.get().requeue(id);
    }
    Optional<QueuedMessage> m = spool.load(id);
    if (m.isEmpty()) {
      return false;
    }
    QueueManager.resetDeferred(spool, m.get());
    return true;
  }

  public int requeueAll() throws IOException {
    int n = 0;
    for (String id : spool.ids()) {
      n += requeue(id) ? 1 : 0;
    }
    return n;
  }

  /** Removes the message without notice to anyone, like {@code postsuper -d}. */
  public boolean delete(String id) throws IOException {
    return validId(id) && spool.remove(id);
  }

  public int deleteAll() throws IOException {
    int n = 0;
    for (String id : spool.ids()) {
      n += spool.remove(id) ? 1 : 0;
    }
    return n;
  }

  /** Puts the message on hold: it stays in the queue untried until released. */
  public boolean hold(String id) throws IOException {
    return validId(id) && spool.setHeld(id, true);
  }

  /** Releases a held message; the running server tries it at once. */
  public boolean release(String id) throws IOException {
    if (!validId(id) || !spool.setHeld(id, false)) {
      return false;
    }
    queue.ifPresent(q -> q.submit(id));
    return true;
  }

  /**
   * The queue's requests on the server's control socket ({@code net.ControlSocket}): {@code flush |
   * requeue ID | requeue --all | delete ID | delete --all | hold ID | release ID}; empty for others.
   */
  public Optional<String> answer(String verb, String arg) throws IOException {
    return Optional.ofNullable(switch (verb) {
      case "flush" -> "ok " + flush() + " message(s) scheduled for delivery now";
      case "requeue" -> arg.equals("--all")
          ? "ok requeued " + requeueAll() + " message(s)"
          : requeue(arg) ? "ok requeued " + arg : "error no message " + arg + " in the queue";
      case "delete" -> arg.equals("--all")
          ? "ok deleted " + deleteAll() + " message(s)"
          : delete(arg) ? "ok deleted " + arg : "error no message " + arg + " in the queue";
      case "hold" -> hold(arg) ? "ok " + arg + " is on hold" : "error no active message " + arg + " in the queue";
      case "release" -> release(arg) ? "ok released " + arg : "error no held message " + arg + " in the queue";
      default -> null;
    });
  }

  private static boolean validId(String id) {
    return id.matches("[0-9A-Z]{6,40}");
  }
}
