package dev.postamt.antivirus;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Our client of clamd's socket protocol (clamd(8), "COMMANDS"): every command in its NUL-terminated
 * {@code z} form, inside an {@code zIDSESSION} so one connection carries many scans, whose replies are
 * then prefixed with the request number ({@code "3: stream: OK"}). {@code zINSTREAM} sends the data as
 * chunks, each a 4-byte big-endian length followed by that many bytes, and a zero length ends it; clamd
 * answers {@code stream: OK}, {@code stream: NAME FOUND} or {@code ... ERROR} (for instance {@code
 * INSTREAM size limit exceeded} when more than its {@code StreamMaxLength} was sent).
 *
 * <p>Idle sessions are kept in a small pool. clamd closes a session after its {@code IdleTimeout}
 * (30 s by default), so sessions idle for longer than {@link #MAX_IDLE} are not reused, and a scan
 * that fails on a reused session is tried once more on a new one. Every exchange runs under a
 * deadline: when it passes, the connection is closed, which ends the blocked read or write.
 *
 * <p>Thread-safe; each scan holds its session alone.
 */
public final class ClamdClient {
  static final Duration MAX_IDLE = Duration.ofSeconds(10);
  private static final int CHUNK = 64 * 1024;
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("clamd-deadline").unstarted(r));

  private final String address;
  private final Duration timeout;
  private final int poolSize;
  private final Deque<Session> idle = new ArrayDeque<>();
  private boolean closed;

  /**
   * @param address {@code unix:/path} or {@code tcp:host:port}
   * @param timeout for connecting and for each command with its reply
   * @param poolSize idle sessions kept (0: a connection per scan)
   */
  public ClamdClient(String address, Duration timeout, int poolSize) {
    if (!address.startsWith("unix:/") && !address.startsWith("tcp:")) {
      throw new IllegalArgumentException("clamd address must be unix:/path or tcp:host:port: " + address);
    }
    this.address = address;
    this.timeout = timeout;
    this.poolSize = poolSize;
  }

  /** What clamd said about one stream. */
  public sealed interface Reply {
    record Clean() implements Reply {}

    record Found(String name) implements Reply {}
  }

  /** Re-opens the data to scan, for the one retry on a fresh session. */
  @FunctionalInterface
  public interface Source {
    InputStream open() throws IOException;
  }

  /** {@code zPING}: true when clamd answers {@code PONG}. */
  public boolean ping() throws ClamdException {
    try (Lease l = lease()) {
      return l.session.command("PING").equals("PONG");
    }
  }

  /** {@code zVERSION}: {@code ClamAV 1.4.3/27481/Thu Dec  3 09:00:00 2026}. */
  public String version() throws ClamdException {
    try (Lease l = lease()) {
      return l.session.version();
    }
  }

  /**
   * Closes the idle sessions and keeps no more: sessions leased now end when returned, and later
   * scans still work, each on a connection of its own. For a client that a reload replaced, whose
   * old sessions may still be finishing a message.
   */
  public void close() {
    List<Session> drop;
    synchronized (idle) {
      closed = true;
      drop = List.copyOf(idle);
      idle.clear();
    }
    drop.forEach(Session::close);
  }

  /** Idle sessions kept now (for tests). */
  int idleSessions() {
    synchronized (idle) {
      return idle.size();
    }
  }

  /** A session to run several scans of one message on, returned to the pool by {@code close}. */
  public Lease lease() throws ClamdException {
    synchronized (idle) {
      while (!idle.isEmpty()) {
        Session s = idle.pollFirst();
        if (System.nanoTime() - s.lastUsed < MAX_IDLE.toNanos()) {
          return new Lease(s, true);
        }
        s.close();
      }
    }
    return new Lease(connect(), false);
  }

  /** One borrowed session. */
  public final class Lease implements AutoCloseable {
    private Session session;
    private boolean reused;

    private Lease(Session session, boolean reused) {
      this.session = session;
      this.reused = reused;
    }

    /** The version of the clamd this session talks to (asked once per connection). */
    public String version() throws ClamdException {
      return retrying(() -> session.version());
    }

    /**
     * Streams at most {@code limit} bytes of {@code source}; {@code truncated} is set by the caller from
     * the data's length. A failure on a reused session is retried once on a new one.
     */
    public Reply scan(Source source, long limit) throws ClamdException {
      return retrying(() -> session.instream(source, limit));
    }

    private <T> T retrying(Exchange<T> exchange) throws ClamdException {
      try {
        return exchange.run();
      } catch (ClamdException e) {
        session.close();
        if (!reused || e.reply()) {
          session = null;
          throw e;
        }
        session = connect(); // clamd may have ended the idle session meanwhile
        reused = false;
        try {
          return exchange.run();
        } catch (ClamdException again) {
          session.close();
          session = null;
          throw again;
        }
      }
    }

    @Override
    public void close() {
      if (session == null) {
        return;
      }
      session.lastUsed = System.nanoTime();
      synchronized (idle) {
        if (!closed && idle.size() < poolSize && session.open()) {
          idle.addFirst(session);
          session = null;
          return;
        }
      }
      session.close();
      session = null;
    }
  }

  @FunctionalInterface
  private interface Exchange<T> {
    T run() throws ClamdException;
  }

  private Session connect() throws ClamdException {
    SocketChannel ch = null;
    try {
      if (address.startsWith("unix:")) {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(address.substring(5)));
      } else {
        String hostPort = address.substring(4);
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        ch = SocketChannel.open();
        ch.socket().connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        ch.socket().setTcpNoDelay(true);
      }
      Session s = new Session(ch);
      s.send("IDSESSION");
      return s;
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw new ClamdException("cannot connect to clamd at " + address + ": " + e, false);
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  /** One connection in session mode. */
  private final class Session {
    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(4096);
    private String version;
    long lastUsed = System.nanoTime();

    Session(SocketChannel channel) {
      this.channel = channel;
    }

    boolean open() {
      return channel.isOpen();
    }

    void close() {
      if (channel.isOpen()) {
        try {
          channel.write(ByteBuffer.wrap("zEND\0".getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      closeQuietly(channel);
    }

    String version() throws ClamdException {
      if (version == null) {
        version = command("VERSION");
      }
      return version;
    }

    String command(String name) throws ClamdException {
      return exchange(() -> {
        send(name);
        return readReply();
      });
    }

    Reply instream(Source source, long limit) throws ClamdException {
      String reply = exchange(() -> {
        send("INSTREAM");
        ByteBuffer chunk = ByteBuffer.allocate(4 + CHUNK);
        long left = limit;
        try (InputStream data = source.open()) {
          while (left > 0) {
            int n = data.readNBytes(chunk.array(), 4, (int) Math.min(CHUNK, left));
            if (n <= 0) {
              break;
            }
            chunk.clear();
            chunk.putInt(0, n);
            chunk.limit(4 + n);
            writeFully(chunk);
            left -= n;
          }
        } catch (IOException e) {
          throw new ClamdException("cannot read the data to scan: " + e.getMessage(), true);
        }
        writeFully(ByteBuffer.allocate(4)); // the zero-length chunk ends the stream
        return readReply();
      });
      if (reply.endsWith(" FOUND")) {
        String name = reply.substring(0, reply.length() - 6);
        int colon = name.indexOf(": ");
        return new Reply.Found(colon >= 0 ? name.substring(colon + 2).strip() : name.strip());
      }
      if (reply.endsWith(": OK") || reply.equals("OK")) {
        return new Reply.Clean();
      }
      throw new ClamdException("clamd: " + reply, true);
    }

    private String exchange(Exchange<String> ex) throws ClamdException {
      ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> closeQuietly(channel), timeout.toMillis(), TimeUnit.MILLISECONDS);
      try {
        return ex.run();
      } finally {
        deadline.cancel(false);
      }
    }

    void send(String command) throws ClamdException {
      writeFully(ByteBuffer.wrap(("z" + command + "\0").getBytes(StandardCharsets.US_ASCII)));
    }

    private void writeFully(ByteBuffer b) throws ClamdException {
      try {
        while (b.hasRemaining()) {
          channel.write(b);
        }
      } catch (IOException e) {
        throw new ClamdException("clamd at " + address + ": write failed (" + (channel.isOpen() ? e : "time-out or closed") + ")", false);
      }
    }

    /** One NUL-terminated reply, without its request number. */
    private String readReply() throws ClamdException {
      StringBuilder b = new StringBuilder();
      try {
        while (true) {
          in.clear();
          int n = channel.read(in);
          if (n < 0) {
            throw new ClamdException("clamd at " + address + " closed the connection" + (b.isEmpty() ? "" : " after \"" + b + "\""), false);
          }
          for (int i = 0; i < n; i++) {
            byte c = in.get(i);
            if (c == 0 || c == '\n') {
              return stripRequestNumber(b.toString());
            }
            if (b.length() < 4096) {
              b.append((char) (c & 0xff));
            }
          }
        }
      } catch (IOException e) {
        throw new ClamdException("clamd at " + address + ": no reply (" + (channel.isOpen() ? e : "time-out after " + timeout.toSeconds() + " s") + ")", false);
      }
    }
  }

  static String stripRequestNumber(String reply) {
    int colon = reply.indexOf(": ");
    if (colon > 0 && reply.substring(0, colon).chars().allMatch(Character::isDigit)) {
      return reply.substring(colon + 2);
    }
    return reply;
  }
}
