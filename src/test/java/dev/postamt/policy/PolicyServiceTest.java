package dev.postamt.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.postamt.config.Config;
import dev.postamt.dns.ZoneFileResolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code check_policy_service} against a small policy server written here: the attributes of
 * SMTPD_POLICY_README, the answer as an access(5) action, one connection for many requests, and a
 * service that is down or slow skipped (never a refusal).
 */
class PolicyServiceTest {
  @TempDir Path dir;
  PolicyServer server;

  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(Restrictions.class);

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void release() throws Exception {
    logger.detachAppender(appender);
    if (server != null) {
      server.close();
    }
  }

  /** A policy server: each request's attributes recorded, each answered by {@code answer}. */
  static final class PolicyServer implements AutoCloseable {
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    volatile Function<Map<String, String>, String> answer = a -> "action=DUNNO";
    /** Close each connection after this many requests (0: keep it open). */
    volatile int closeAfter;
    private final ServerSocket tcp;
    private final ServerSocketChannel unix;

    PolicyServer(Path unixPath) throws IOException {
      if (unixPath == null) {
        tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        unix = null;
        Thread.ofVirtual().start(() -> {
          while (true) {
            try {
              Socket s = tcp.accept();
              Thread.ofVirtual().start(() -> serve(s::getInputStream, s::getOutputStream, s));
            } catch (IOException e) {
              return;
            }
          }
        });
      } else {
        tcp = null;
        unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unix.bind(UnixDomainSocketAddress.of(unixPath));
        Thread.ofVirtual().start(() -> {
          while (true) {
            try {
              SocketChannel c = unix.accept();
              Thread.ofVirtual().start(() -> serve(() -> Channels.newInputStream(c), () -> Channels.newOutputStream(c), c));
            } catch (IOException e) {
              return;
            }
          }
        });
      }
    }

    interface Source<T> {
      T get() throws IOException;
    }

    private void serve(Source<java.io.InputStream> in, Source<OutputStream> out, java.io.Closeable conn) {
      connections.incrementAndGet();
      try (conn) {
        BufferedReader r = new BufferedReader(new InputStreamReader(in.get(), StandardCharsets.UTF_8));
        OutputStream o = out.get();
        int served = 0;
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (!line.isEmpty()) {
            int eq = line.indexOf('=');
            attrs.put(line.substring(0, eq), line.substring(eq + 1));
            continue;
          }
          requests.add(attrs);
          String a = answer.apply(attrs);
          attrs = new LinkedHashMap<>();
          if (a == null) {
            continue; // no answer at all: the client's time-out
          }
          o.write((a + "\n\n").getBytes(StandardCharsets.UTF_8));
          o.flush();
          if (closeAfter > 0 && ++served >= closeAfter) {
            return;
          }
        }
      } catch (IOException e) {
        // client gone
      }
    }

    int port() {
      return tcp.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      if (tcp != null) {
        tcp.close();
      } else {
        unix.close();
      }
    }
  }

  private Restrictions restrictions(String recipientList, String extra) throws Exception {
    Path f = dir.resolve("postamt.toml");
    Files.writeString(f, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n[policy]\nrecipient = " + recipientList + "\n" + extra);
    return new Restrictions(Config.load(f, true), ZoneFileResolver.parse("helo.example. A 192.0.2.10\nsender.example. A 192.0.2.25\n"), null, Clock.systemUTC());
  }

  private static PolicyRequest rcpt(String to) throws Exception {
    return new PolicyRequest(InetAddress.getByName("192.0.2.10"), false, null, "helo.example", "a@sender.example", to,
        PolicyRequest.RecipientStatus.LOCAL, false);
  }

  private static String reply(Evaluation e) {
    return e.refusal().map(s -> s.result().code() + " " + s.result().enhanced() + " " + s.result().text()).orElse("accept");
  }

  private List<String> logLines() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.contains("[192.0.2.10]")).toList();
  }

  @Test
  void theServiceGetsTheAttributesAndItsActionIsTheAnswer() throws Exception {
    server = new PolicyServer(null);
    server.answer = a -> switch (a.get("recipient")) {
      case "no@example.test" -> "action=REJECT not wanted here";
      case "later@example.test" -> "action=DEFER_IF_PERMIT Greylisted, see http://postgrey.example/";
      case "code@example.test" -> "action=421 4.7.0 go away";
      case "ok@example.test" -> "action=OK";
      default -> "action=PREPEND X-Policy: seen";
    };
    Restrictions r = restrictions("[\"check_policy_service inet:127.0.0.1:" + server.port() + "\", \"reject\"]", "");

    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("no@example.test"))))
        .isEqualTo("554 5.7.1 <no@example.test>: Recipient address rejected: not wanted here");
    assertThat(server.requests.getFirst()).containsEntry("request", "smtpd_access_policy")
        .containsEntry("protocol_state", "RCPT").containsEntry("protocol_name", "ESMTP")
        .containsEntry("client_address", "192.0.2.10").containsEntry("client_name", "unknown")
        .containsEntry("helo_name", "helo.example").containsEntry("sender", "a@sender.example")
        .containsEntry("recipient", "no@example.test").containsKeys("queue_id", "instance", "sasl_username", "size");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("later@example.test")))).as("DEFER_IF_PERMIT, and reject follows")
        .isEqualTo("554 5.7.1 Access denied");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("code@example.test"))))
        .isEqualTo("421 4.7.0 <code@example.test>: Recipient address rejected: go away");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("ok@example.test")))).isEqualTo("accept");
    Evaluation prepended = r.evaluate(PolicyStage.RCPT, rcpt("other@example.test"));
    assertThat(prepended.effects()).containsExactly(new Effect(Effect.Kind.PREPEND, "X-Policy: seen"));

    Restrictions deferIfPermit = restrictions("[\"check_policy_service inet:127.0.0.1:" + server.port() + "\"]", "");
    assertThat(reply(deferIfPermit.evaluate(PolicyStage.RCPT, rcpt("later@example.test"))))
        .isEqualTo("450 4.7.1 <later@example.test>: Recipient address rejected: Greylisted, see http://postgrey.example/");
  }

  @Test
  void oneConnectionServesManyRequestsAndAClosedOneIsReplaced() throws Exception {
    server = new PolicyServer(null);
    Restrictions r = restrictions("[\"check_policy_service inet:127.0.0.1:" + server.port() + "\"]", "");
    for (int i = 0; i < 5; i++) {
      assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("bob@example.test")))).isEqualTo("accept");
    }
    assertThat(server.requests).hasSize(5);
    assertThat(server.connections.get()).isEqualTo(1);

    server.closeAfter = 1; // like a server that ends idle connections: each next request finds it closed
    r = restrictions("[\"check_policy_service inet:127.0.0.1:" + server.port() + "\", \"reject\"]", "");
    server.answer = a -> "action=OK";
    for (int i = 0; i < 3; i++) {
      assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("bob@example.test")))).isEqualTo("accept");
    }
    // the first of them still goes to the connection opened before (the pool outlives a reload), which
    // the server then closes; the other two find theirs closed and open a fresh one each
    assertThat(server.connections.get()).isEqualTo(3);
  }

  @Test
  void aUnixSocketServiceWorksToo() throws Exception {
    Path sock = dir.resolve("policy.sock");
    server = new PolicyServer(sock);
    server.answer = a -> "action=REJECT 5.7.9 by unix socket";
    Restrictions r = restrictions("[\"check_policy_service unix:policy.sock\"]", "");
    assertThat(reply(r.evaluate(PolicyStage.RCPT, rcpt("bob@example.test"))))
        .isEqualTo("554 5.7.9 <bob@example.test>: Recipient address rejected: by unix socket");
  }

  @Test
  void aServiceThatIsDownSlowOrBrokenIsSkippedAndLogged() throws Exception {
    int closed = dev.postamt.testing.Ports.closed();
    Restrictions down = restrictions("[\"check_policy_service inet:127.0.0.1:" + closed + "\"]", "");
    assertThat(reply(down.evaluate(PolicyStage.RCPT, rcpt("bob@example.test")))).isEqualTo("accept");
    assertThat(logLines()).anySatisfy(l -> assertThat(l).startsWith("policy: skip stage=recipient client=unknown[192.0.2.10]")
        .contains("check=check_policy_service reason=skipped: cannot reach inet:127.0.0.1:" + closed));

    server = new PolicyServer(null);
    server.answer = a -> a.get("recipient").startsWith("slow") ? null : "action=FROBNICATE";
    Restrictions slow = restrictions("[\"check_policy_service inet:127.0.0.1:" + server.port() + "\"]",
        "policy_service_timeout = \"300ms\"\n");
    assertThat(reply(slow.evaluate(PolicyStage.RCPT, rcpt("slow@example.test")))).isEqualTo("accept");
    assertThat(logLines()).anySatisfy(l -> assertThat(l).contains("reason=skipped: no answer from inet:127.0.0.1:" + server.port() + " within 300 ms"));
    assertThat(reply(slow.evaluate(PolicyStage.RCPT, rcpt("bob@example.test")))).isEqualTo("accept");
    assertThat(logLines()).anySatisfy(l -> assertThat(l).contains("unknown action \"FROBNICATE\""));
  }

  @Test
  void checkPolicyDoesNotAskTheService() throws Exception {
    server = new PolicyServer(null);
    Restrictions r = restrictions("[\"check_policy_service inet:127.0.0.1:" + server.port() + "\"]", "");
    Evaluation e = r.explain(rcpt("bob@example.test"));
    assertThat(e.steps()).anySatisfy(s -> assertThat(s.result().reason()).startsWith("not asked by check policy"));
    assertThat(server.requests).isEmpty();
  }

  @Test
  void aBadServiceAddressIsAConfigError() throws Exception {
    Path f = dir.resolve("bad.toml");
    Files.writeString(f, "[policy]\nrecipient = [\"check_policy_service 127.0.0.1:10023\", \"check_policy_service inet:nohost\"]\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Config.load(f, true))
        .isInstanceOf(dev.postamt.config.ConfigException.class)
        .satisfies(e -> assertThat(((dev.postamt.config.ConfigException) e).problems())
            .anyMatch(p -> p.startsWith("policy.recipient: check_policy_service \"127.0.0.1:10023\": must be inet:host:port or unix:/path"))
            .anyMatch(p -> p.contains("inet: needs host:port")));
  }
}
