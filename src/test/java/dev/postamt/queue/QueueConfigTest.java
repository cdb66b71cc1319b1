package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import dev.postamt.config.ConfigException;
import dev.postamt.config.TransportRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbound settings: [transport], relayhost credentials, SMTP time-outs, queue notices. */
class QueueConfigTest {
  @TempDir Path tmp;

  private Config load(String toml) throws Exception {
    Path f = tmp.resolve("postamt.toml");
    Files.writeString(f, "hostname = \"mx.test\"\n" + toml);
    return Config.load(f, true);
  }

  @Test
  void transportRulesAndTheirLookupOrder() throws Exception {
    Config c = load(
        """
        [transport]
        "example.org" = "smtp:[10.0.0.5]:2525"
        ".example.org" = "smtp:relay.example.net"
        "store.test" = "lmtp:127.0.0.1:24"
        "old.test" = "error:5.1.2 gone"
        "*" = "discard"
        """);
    assertThat(c.transportFor("EXAMPLE.org")).contains(new TransportRule.Smtp("10.0.0.5", Optional.of(2525), false));
    assertThat(c.transportFor("a.b.example.org")).contains(new TransportRule.Smtp("relay.example.net", Optional.empty(), true));
    assertThat(c.transportFor("store.test")).contains(new TransportRule.Lmtp("127.0.0.1", 24));
    assertThat(c.transportFor("old.test")).contains(new TransportRule.Error("5.1.2 gone"));
    assertThat(c.transportFor("anything.else")).contains(new TransportRule.Discard());
    assertThat(load("").transportFor("x.test")).isEmpty();
  }

  @Test
  void outboundDefaults() throws Exception {
    Config c = load("");
    assertThat(c.delivery().commandTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.delivery().dataInitTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.delivery().dataBlockTimeout()).isEqualTo(Duration.ofMinutes(3));
    assertThat(c.delivery().dataEndTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.queue().postmaster()).isEqualTo("postmaster");
    assertThat(c.relay().relayhostUser()).isEmpty();
  }

  @Test
  void everyMistakeIsReportedWithItsKey() {
    assertThatThrownBy(() -> load(
        """
        [relay]
        relayhost_user = "u"
        [delivery]
        command_timeout = "soon"
        [queue]
        postmaster = "a b"
        [transport]
        "x.test" = "smtp:"
        "y.test" = "lmtp:host"
        "z.test" = "carrier-pigeon"
        "bad key!" = "local"
        """))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p -> assertThat(p).startsWith("relay.relayhost_user: needs"))
            .anySatisfy(p -> assertThat(p).startsWith("delivery.command_timeout: "))
            .anySatisfy(p -> assertThat(p).startsWith("queue.postmaster: "))
            .anySatisfy(p -> assertThat(p).startsWith("transport.\"x.test\": "))
            .anySatisfy(p -> assertThat(p).startsWith("transport.\"y.test\": "))
            .anySatisfy(p -> assertThat(p).startsWith("transport.\"z.test\": "))
            .anySatisfy(p -> assertThat(p).startsWith("transport.\"bad key!\": key must be")));
  }
}
