package dev.postamt.routing;

import static dev.postamt.routing.RouterFixture.mbox;
import static dev.postamt.routing.RouterFixture.remote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RFC 5321 §4.5.1: postmaster works at every local domain and the hostname without an alias. */
class RouterPostmasterTest {
  @TempDir Path tmp;
  RouterFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new RouterFixture(tmp, false);
    f.dir.addDomain("a.test");
    f.dir.addDomain("b.test");
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private Router withPostmaster(String value) throws Exception {
    Path toml = tmp.resolve("pm.toml");
    Files.writeString(toml, "hostname = \"mx.a.test\"\ndata_dir = \"" + f.data + "\"\n[listen]\n[queue]\npostmaster = \""
        + value + "\"\n");
    return new Router(f.dir, Config.load(toml, true));
  }

  @Test
  void withoutUsersPostmasterIsRefusedWithTheReason() throws Exception {
    Resolution r = f.router().resolve("postmaster@a.test");
    assertThat(r).isInstanceOf(Resolution.Unknown.class);
    assertThat(((Resolution.Unknown) r).reason()).contains("no postmaster mailbox yet");
  }

  @Test
  void theDefaultGoesToTheFirstUserAtEveryLocalDomainAndTheHostname() throws Exception {
    f.users("zed@a.test", "bob@b.test", "amy@b.test");
    Router router = f.router();
    for (String rcpt : new String[] {"postmaster", "POSTMASTER", "postmaster@a.test", "Postmaster@B.TEST", "postmaster@mx.a.test"}) {
      assertThat(router.resolve(rcpt)).as(rcpt).isEqualTo(new Resolution.Local(java.util.List.of(mbox("zed@a.test"))));
    }
    // only our own names: postmaster elsewhere is somebody else's
    assertThat(router.resolve("postmaster@remote.test")).isEqualTo(new Resolution.NotLocal());
  }

  @Test
  void aliasesAndUsersOfThatNameWin() throws Exception {
    f.users("amy@a.test", "postmaster@b.test");
    f.alias("postmaster@a.test", "boss@remote.test");
    Router router = f.router();
    assertThat(router.resolve("postmaster@a.test")).isEqualTo(new Resolution.Local(java.util.List.of(remote("boss@remote.test"))));
    assertThat(router.resolve("postmaster@b.test")).isEqualTo(new Resolution.Local(java.util.List.of(mbox("postmaster@b.test"))));
    assertThat(router.resolve("postmaster")).isEqualTo(new Resolution.Local(java.util.List.of(mbox("amy@a.test"))));
  }

  @Test
  void queuePostmasterNamesTheTarget() throws Exception {
    f.users("amy@a.test", "root@b.test");
    assertThat(withPostmaster("root@b.test").resolve("postmaster@a.test"))
        .isEqualTo(new Resolution.Local(java.util.List.of(mbox("root@b.test"))));
    assertThat(withPostmaster("admin@remote.test").resolve("postmaster"))
        .isEqualTo(new Resolution.Local(java.util.List.of(remote("admin@remote.test"))));
    // a bare name is qualified with the hostname, which is not a local domain here: it names nobody
    assertThat(withPostmaster("nobody").resolve("postmaster@a.test")).isInstanceOf(Resolution.Unknown.class);
    assertThat(withPostmaster("postmaster@b.test").resolve("postmaster@a.test"))
        .isEqualTo(new Resolution.Local(java.util.List.of(mbox("amy@a.test"))));
  }
}
