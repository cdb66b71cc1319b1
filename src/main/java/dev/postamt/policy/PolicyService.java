package dev.postamt.policy;

import dev.postamt.config.AccessTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * The client side of Postfix's policy delegation protocol (SMTPD_POLICY_README), so that external
 * policy daemons (postgrey, policyd-spf, rate limiters) can decide as they do for Postfix.
 *
 * <p>A request is {@code name=value} lines ended by an empty line; the answer is {@code action=…}
 * (an access(5) action: {@code OK}, {@code DUNNO}, {@code REJECT text}, {@code DEFER_IF_PERMIT text},
 * {@code 450 text}, {@code PREPEND header}, …) and an empty line. The connection stays open for the
 * next request of any session, across reloads (Postfix keeps one per smtpd process); idle ones are kept
 * up to {@value #MAX_IDLE_CONNECTIONS} per service and closed when found idle longer than {@link
 * #MAX_IDLE}. A reused connection the
 * server has closed meanwhile is replaced once.
 *
 * <p>Failure: a service that cannot be reached, answers nonsense, or takes longer than {@code
 * policy.policy_service_timeout} is skipped (the check says dunno, and the log says why): mail is
 * never refused for a broken policy service.
 */
final class PolicyService {
  static final int MAX_IDLE_CONNECTIONS = 8;
  static final Duration MAX_IDLE = Duration.ofMinutes(5);
  /** A sane answer is a few lines; more is a broken server. */
  static final int MAX_ANSWER = 8192;
  private static final ExecutorService EXCHANGES = Executors.newVirtualThreadPerTaskExecutor();

  private final Duration timeout;
  /**
   * Idle connections by target, shared by every instance: a reload makes new restriction lists, and
   * the connections they open go on serving them instead of being left open.
   */
  private static final Map<String, ConcurrentLinkedDeque<Channel>> idle = new ConcurrentHashMap<>();

  PolicyService(Duration timeout) {
    this.timeout = timeout;
  }

  /** An open connection to one service and when it was last used. */
  private record Channel(SocketChannel socket, long lastUsed) {}

  /** Thrown when the service cannot give an answer; the check is then skipped. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  /**
   * Sends {@code attributes} to {@code target} ({@code inet:host:port} or {@code unix:/path}) and
   * returns its action.
   */
  AccessTable.Action ask(String target, Map<String, String> attributes) throws Unavailable {
    byte[] request = encode(attributes);
    Channel reused = take(target);
    if (reused != null) {
      try {
        return exchange(target, reused.socket(), request);
      } catch (Unavailable | RuntimeException e) {
        // the server may have closed an idle connection (postgrey does after a while): once more, fresh
      }
    }
    SocketChannel fresh = open(target);
    return exchange(target, fresh, request);
  }

  private Channel take(String target) {
    ConcurrentLinkedDeque<Channel> q = idle.get(target);
    if (q == null) {
      return null;
    }
    for (Channel c = q.pollFirst(); c != null; c = q.pollFirst()) {
      if (System.nanoTime() - c.lastUsed() < MAX_IDLE.toNanos() && c.socket().isOpen()) {
        return c;
      }
      close(c.socket());
    }
    return null;
  }

  private void putBack(String target, SocketChannel s) {
    ConcurrentLinkedDeque<Channel> q = idle.computeIfAbsent(target, k -> new ConcurrentLinkedDeque<>());
    if (q.size() >= MAX_IDLE_CONNECTIONS) {
      close(s);
      return;
    }
    q.addFirst(new Channel(s, System.nanoTime()));
  }

  private SocketChannel open(String target) throws Unavailable {
    SocketAddress address;
    SocketChannel s;
    try {
      if (target.startsWith("unix:")) {
        address = UnixDomainSocketAddress.of(Path.of(target.substring(5)));
        s = SocketChannel.open(StandardProtocolFamily.UNIX);
      } else {
        String hostPort = target.substring(5);
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        address = new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
        s = SocketChannel.open();
      }
    } catch (IOException | RuntimeException e) {
      throw new Unavailable("cannot reach " + target + ": " + e.getMessage());
    }
    Future<Void> connect = EXCHANGES.submit(() -> {
      s.connect(address);
      return null;
    });
    try {
      connect.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return s;
    } catch (TimeoutException e) {
      close(s);
      throw new Unavailable("cannot reach " + target + " within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      close(s);
      throw new Unavailable("cannot reach " + target + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      close(s);
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
  }

  /** One request and its answer within the time-out; the connection goes back to the pool after a clean answer. */
  private AccessTable.Action exchange(String target, SocketChannel s, byte[] request) throws Unavailable {
    Future<String> f = EXCHANGES.submit(() -> {
      s.write(ByteBuffer.wrap(request));
      return readAnswer(s);
    });
    String answer;
    try {
      answer = f.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close(s); // ends the blocked read
      throw new Unavailable("no answer from " + target + " within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      close(s);
      throw new Unavailable("policy service " + target + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      close(s);
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
    String action = null;
    for (String line : answer.split("\n")) {
      if (line.startsWith("action=")) {
        action = line.substring(7);
        break;
      }
    }
    if (action == null) {
      close(s);
      throw new Unavailable("policy service " + target + " answered without action=");
    }
    putBack(target, s);
    try {
      return AccessTable.action(action);
    } catch (IllegalArgumentException e) {
      throw new Unavailable("policy service " + target + " answered \"" + dev.postamt.net.Printable.of(action) + "\": " + e.getMessage());
    }
  }

  /** Reads up to the empty line that ends the answer; the lines without their LF. */
  private static String readAnswer(SocketChannel s) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    int previous = '\n';
    while (true) {
      one.clear();
      if (s.read(one) < 0) {
        throw new IOException("connection closed before the end of the answer");
      }
      int b = one.get(0) & 0xff;
      if (b == '\r') {
        continue;
      }
      if (b == '\n' && previous == '\n') {
        return got.toString(StandardCharsets.UTF_8);
      }
      got.write(b);
      previous = b;
      if (got.size() > MAX_ANSWER) {
        throw new IOException("answer longer than " + MAX_ANSWER + " bytes");
      }
    }
  }

  /** {@code name=value} lines and the empty line; values lose any line break (they come from the client). */
  static byte[] encode(Map<String, String> attributes) {
    StringBuilder sb = new StringBuilder(512);
    attributes.forEach((k, v) -> sb.append(k).append('=').append(v == null ? "" : v.replace('\n', ' ').replace('\r', ' ')).append('\n'));
    return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void close(SocketChannel s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

}
