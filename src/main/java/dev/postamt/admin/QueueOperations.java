package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.net.ControlSocket;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueueAdmin;
import dev.postamt.queue.QueuedMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The queue operations of {@code postamt queue} (like mailq, postcat, postqueue -f and postsuper).
 * Changes go to the running server through its control socket when it listens, so that its scheduler
 * acts on them at once; with no server they are made on the spool directly. Reading (list, show)
 * always reads the spool. Each change returns the confirmation line to show.
 */
public final class QueueOperations {
  private final Config config;

  QueueOperations(Config config) {
    this.config = config;
  }

  /** Every message in the queue, oldest first. */
  public List<QueuedMessage> list() {
    try {
      return spool().list();
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** One queued message; its content is read with {@link #openContent}. */
  public QueuedMessage show(String id) {
    try {
      return spool().show(id).orElseThrow(() -> new AdminException("queue: no message " + id + " in the queue"));
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** The message as spooled, after the headers we add ({@link QueuedMessage#headers()}). */
  public InputStream openContent(QueuedMessage m) throws IOException {
    return spool().spool().openMessage(m);
  }

  /** Tries every deferred message now, like {@code postqueue -f}. */
  public String flush() {
    return act("flush",
        a -> "ok " + a.flush() + " message(s) will be tried as soon as the server runs (it is not running)");
  }

  /** Forgets a message's back-off and tries it now, like {@code postsuper -r}. */
  public String requeue(String id) {
    return act("requeue " + id,
        a -> a.requeue(id) ? "ok requeued " + id : "error no message " + id + " in the queue");
  }

  public String requeueAll() {
    return act("requeue --all", a -> "ok requeued " + a.requeueAll() + " message(s)");
  }

  /** Removes a message without notice to anyone, like {@code postsuper -d}. */
  public String delete(String id) {
    return act("delete " + id,
        a -> a.delete(id) ? "ok deleted " + id : "error no message " + id + " in the queue");
  }

  public String deleteAll() {
    return act("delete --all", a -> "ok deleted " + a.deleteAll() + " message(s)");
  }

  /** Keeps a message in the queue untried, like {@code postsuper -h}. */
  public String hold(String id) {
    return act("hold " + id,
        a -> a.hold(id) ? "ok " + id + " is on hold" : "error no active message " + id + " in the queue");
  }

  /** Releases a held message, like {@code postsuper -H}; a running server tries it at once. */
  public String release(String id) {
    return act("release " + id,
        a -> a.release(id) ? "ok released " + id : "error no held message " + id + " in the queue");
  }

  /** Runs {@code request} on the server, or {@code direct} on the spool when no server runs. */
  private String act(String request, Direct direct) {
    try {
      Optional<String> reply = ControlSocket.request(ControlSocket.path(config), request);
      String line = reply.isPresent() ? reply.get() : direct.run(spool());
      if (line.startsWith("error ")) {
        throw new AdminException(line.substring(6));
      }
      return line.startsWith("ok ") ? line.substring(3) : line;
    } catch (IOException e) {
      throw new AdminException("queue: " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface Direct {
    String run(QueueAdmin spool) throws IOException;
  }

  private QueueAdmin spool() throws IOException {
    return new QueueAdmin(new DurableSpool(config.dataDir().resolve("queue")), null);
  }
}
