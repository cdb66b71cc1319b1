package dev.postamt.routing;

import static dev.postamt.routing.RouterFixture.mbox;
import static dev.postamt.routing.RouterFixture.remote;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-user .forward files in the user's home under data_dir. */
class RouterForwardTest {
  @TempDir Path tmp;
  RouterFixture f;

  private Router setUp(boolean forwardCommands) throws Exception {
    f = new RouterFixture(tmp, forwardCommands);
    f.dir.addDomain("a.test");
    f.users("alice@a.test", "bob@a.test");
    return f.router();
  }

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  private static List<Destination> dests(Router router, String rcpt) {
    Resolution r = router.resolve(rcpt);
    assertThat(r).isInstanceOf(Resolution.Local.class);
    return ((Resolution.Local) r).destinations();
  }

  @Test
  void forwardReplacesTheMailboxUnlessBackslashKeepsACopy() throws Exception {
    Router router = setUp(false);
    f.forward("alice@a.test", "alice@remote.test\n");
    assertThat(dests(router, "alice@a.test")).containsExactly(remote("alice@remote.test"));
    f.forward("alice@a.test", "# keep a copy\n\\alice, alice@remote.test\nbob\n");
    assertThat(dests(router, "alice@a.test"))
        .containsExactly(mbox("alice@a.test"), remote("alice@remote.test"), mbox("bob@a.test"));
  }

  @Test
  void namingOneselfWithoutBackslashAlsoKeepsACopy() throws Exception {
    Router router = setUp(false);
    f.forward("alice@a.test", "alice@a.test, alice@remote.test");
    assertThat(dests(router, "alice@a.test")).containsExactly(mbox("alice@a.test"), remote("alice@remote.test"));
  }

  @Test
  void forwardsBetweenTwoUsersEndInAMailboxNotALoop() throws Exception {
    Router router = setUp(false);
    f.forward("alice@a.test", "bob@a.test");
    f.forward("bob@a.test", "alice@a.test");
    // alice -> bob -> alice: alice is on the path and a user, so she gets it (Postfix's self-reference).
    assertThat(dests(router, "alice@a.test")).containsExactly(mbox("alice@a.test"));
    assertThat(dests(router, "bob@a.test")).containsExactly(mbox("bob@a.test"));
  }

  @Test
  void commandsAndFilesAreSkippedUnlessAllowed() throws Exception {
    Router router = setUp(false);
    f.forward("alice@a.test", "|/usr/bin/vacation alice\n/tmp/alice.mbox\n:include:/etc/passwd\nalice@remote.test\n");
    assertThat(dests(router, "alice@a.test")).containsExactly(remote("alice@remote.test"));
  }

  @Test
  void commandsAndFilesAreHonouredWhenAllowed() throws Exception {
    Router router = setUp(true);
    f.forward("alice@a.test", "\\alice, \"|/usr/bin/vacation alice\", /tmp/alice.mbox");
    assertThat(dests(router, "alice@a.test"))
        .containsExactly(
            mbox("alice@a.test"),
            new Destination.Pipe("/usr/bin/vacation alice"),
            new Destination.File(Path.of("/tmp/alice.mbox")));
  }

  @Test
  void aForwardThatDeliversNowhereKeepsTheMailInTheMailbox() throws Exception {
    Router router = setUp(false);
    f.forward("alice@a.test", "|/usr/bin/procmail\n");
    assertThat(dests(router, "alice@a.test")).containsExactly(mbox("alice@a.test"));
    f.forward("alice@a.test", "# only a comment\n\n");
    assertThat(dests(router, "alice@a.test")).containsExactly(mbox("alice@a.test"));
  }

  @Test
  void aliasesLeadingToAUserFollowTheirForward() throws Exception {
    Router router = setUp(false);
    f.alias("info@a.test", "alice@a.test", "bob@a.test");
    f.forward("alice@a.test", "alice@remote.test");
    assertThat(dests(router, "info@a.test")).containsExactly(remote("alice@remote.test"), mbox("bob@a.test"));
  }

  @Test
  void aForwardDoesNotLetTheTargetSendAsTheUser() throws Exception {
    Router router = setUp(false);
    f.forward("alice@a.test", "bob@a.test");
    assertThat(router.mayUseSender("bob@a.test", "alice@a.test")).isFalse();
    assertThat(router.mayUseSender("alice@a.test", "alice@a.test")).isTrue();
  }
}
