package dev.postamt.queue;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.MailHost;
import dev.postamt.testing.MailNetwork;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A message the next hop accepted for every recipient leaves the spool by its (durable) removal alone:
 * no per-recipient status file is written for it (that file's fsync and its directory's were most of
 * the relay path's disk flushes). Watched with inotify on the spool's {@code active/} directory.
 */
class RelayedRemovalTest {
  @RegisterExtension final MailNetwork net = MailNetwork.withZone(
      """
      a.test.        MX 10 mx.a.test.
      mx.a.test.     A  127.0.13.2
      c.test.        MX 10 mx.c.test.
      mx.c.test.     A  127.0.13.4
      """);

  @Test
  void aRelayedMessageIsRemovedWithoutAStatusRecord() throws Exception {
    MailHost a = net.host("127.0.13.2", "mx.a.test", "a.test", List.of("alice"), MailHost.Sections.none()).start();
    MailHost c = net.host("127.0.13.4", "mx.c.test", "c.test", List.of("carol"), MailHost.Sections.none()).start();
    Path active = a.dir.resolve("data/queue/active");
    List<String> created = new ArrayList<>();
    try (WatchService watch = active.getFileSystem().newWatchService()) {
      active.register(watch, ENTRY_CREATE);

      a.send("alice@a.test", List.of("carol@c.test", "alice@a.test"), "",
          "Subject: out and in\r\n\r\nrelayed once\r\n");
      assertThat(c.awaitMessages("carol@c.test", 1).getFirst()).contains("relayed once");
      a.awaitMessages("alice@a.test", 1);
      a.awaitEmptyQueue();

      WatchKey key;
      while ((key = watch.poll()) != null) {
        for (WatchEvent<?> e : key.pollEvents()) {
          if (e.context() instanceof Path p) {
            created.add(p.toString());
          }
        }
        key.reset();
      }
    }
    // the message itself came into active/ (so the watch saw the directory), and nothing beside it
    assertThat(created).isNotEmpty().noneMatch(n -> n.endsWith(".status"));
  }
}
