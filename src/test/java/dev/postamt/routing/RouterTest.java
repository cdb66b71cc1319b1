package dev.postamt.routing;

import static dev.postamt.routing.RouterFixture.mbox;
import static dev.postamt.routing.RouterFixture.remote;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directory users, aliases, catch-alls, loops and limits. */
class RouterTest {
  @TempDir Path tmp;
  RouterFixture f;
  Router router;

  @BeforeEach
  void setUp() throws Exception {
    f = new RouterFixture(tmp, false);
    f.dir.addDomain("a.test");
    f.dir.addDomain("b.test");
    router = f.router();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private Resolution.Local local(String rcpt) {
    Resolution r = router.resolve(rcpt);
    assertThat(r).isInstanceOf(Resolution.Local.class);
    return (Resolution.Local) r;
  }

  @Test
  void domainsNotInTheDirectoryAreNotLocal() {
    assertThat(router.resolve("x@remote.test")).isEqualTo(new Resolution.NotLocal());
    assertThat(router.resolve("x@[192.0.2.1]")).isEqualTo(new Resolution.NotLocal());
  }

  @Test
  void unknownLocalAddressesAreUnknown() {
    assertThat(router.resolve("nobody@a.test")).isInstanceOf(Resolution.Unknown.class);
    assertThat(((Resolution.Unknown) router.resolve("nobody@a.test")).reason()).contains("nobody@a.test");
    assertThat(router.resolve("")).isInstanceOf(Resolution.Unknown.class);
    assertThat(router.resolve("a b@a.test")).isInstanceOf(Resolution.Unknown.class);
  }

  @Test
  void usersGetTheirMailboxWhateverTheLetterCase() throws Exception {
    f.users("alice@a.test");
    assertThat(local("Alice@A.Test").destinations()).containsExactly(mbox("alice@a.test"));
  }

  @Test
  void aBareLocalPartIsQualifiedWithTheHostname() throws Exception {
    f.dir.addDomain("mx.a.test");
    f.users("postmaster@mx.a.test");
    assertThat(local("Postmaster").destinations()).containsExactly(mbox("postmaster@mx.a.test"));
  }

  /** RFC 5233: alice+lists@ reaches alice (every user, no alias needed); the whole address wins if claimed. */
  @Test
  void aDetailAfterThePlusReachesTheUser() throws Exception {
    f.users("alice@a.test", "bob@a.test");
    f.alias("alice+special@a.test", "bob@a.test");
    assertThat(local("alice+lists@a.test").destinations()).containsExactly(mbox("alice@a.test"));
    assertThat(local("Alice+Lists+more@A.test").destinations()).containsExactly(mbox("alice@a.test"));
    assertThat(local("alice+@a.test").destinations()).containsExactly(mbox("alice@a.test"));
    assertThat(local("alice+special@a.test").destinations()).containsExactly(mbox("bob@a.test"));
    assertThat(router.resolve("nobody+x@a.test")).isInstanceOf(Resolution.Unknown.class);
    assertThat(router.resolve("+alice@a.test")).isInstanceOf(Resolution.Unknown.class);
  }

  @Test
  void directoryChangesTakeEffectWithoutANewRouter() throws Exception {
    assertThat(router.resolve("late@a.test")).isInstanceOf(Resolution.Unknown.class);
    f.users("late@a.test");
    assertThat(local("late@a.test").destinations()).containsExactly(mbox("late@a.test"));
    f.dir.removeUser("late@a.test");
    assertThat(router.resolve("late@a.test")).isInstanceOf(Resolution.Unknown.class);
  }

  @Test
  void aliasChainsAreFollowedToMailboxesAndRemoteAddresses() throws Exception {
    f.users("carol@b.test");
    f.alias("info@a.test", "sales@a.test", "Boss@Remote.test");
    f.alias("sales@a.test", "carol@b.test");
    assertThat(local("info@a.test").destinations()).containsExactly(mbox("carol@b.test"), remote("boss@remote.test"));
  }

  @Test
  void anAliasWinsOverAUserOfTheSameAddressAndMayNameItself() throws Exception {
    f.users("alice@a.test", "bob@a.test");
    f.alias("alice@a.test", "bob@a.test");
    assertThat(local("alice@a.test").destinations()).containsExactly(mbox("bob@a.test"));
    // "keep a copy and forward": the self-reference goes to the mailbox (Postfix virtual(5) rule).
    f.alias("alice@a.test", "alice@a.test", "al@remote.test");
    assertThat(local("alice@a.test").destinations())
        .containsExactly(mbox("bob@a.test"), mbox("alice@a.test"), remote("al@remote.test"));
  }

  @Test
  void duplicatesAreRemoved() throws Exception {
    f.users("a@a.test", "b@a.test");
    f.alias("all@a.test", "a@a.test", "team@a.test", "x@remote.test");
    f.alias("team@a.test", "a@a.test", "b@a.test", "x@remote.test");
    assertThat(local("all@a.test").destinations())
        .containsExactly(mbox("a@a.test"), mbox("b@a.test"), remote("x@remote.test"));
  }

  @Test
  void catchAllTakesWhatNoUserOrAliasTakes() throws Exception {
    f.users("admin@a.test", "alice@a.test", "bob@a.test");
    f.alias("@a.test", "admin@a.test");
    f.alias("sales@a.test", "bob@a.test");
    assertThat(local("random@a.test").destinations()).containsExactly(mbox("admin@a.test"));
    assertThat(local("alice@a.test").destinations()).containsExactly(mbox("alice@a.test"));
    assertThat(local("sales@a.test").destinations()).containsExactly(mbox("bob@a.test"));
    assertThat(router.resolve("random@b.test")).isInstanceOf(Resolution.Unknown.class);
  }

  @Test
  void aCatchAllPointingIntoItsOwnDomainAtNobodyIsALoop() throws Exception {
    f.alias("@a.test", "ghost@a.test");
    Resolution r = router.resolve("x@a.test");
    assertThat(r).isInstanceOf(Resolution.Unknown.class);
    assertThat(((Resolution.Unknown) r).reason()).startsWith("alias loop");
  }

  @Test
  void aPureAliasLoopIsUnknownWithTheLoopNamed() throws Exception {
    f.alias("x@a.test", "y@a.test");
    f.alias("y@a.test", "x@a.test");
    Resolution r = router.resolve("x@a.test");
    assertThat(r).isInstanceOf(Resolution.Unknown.class);
    assertThat(((Resolution.Unknown) r).reason()).isEqualTo("alias loop: x@a.test -> y@a.test -> x@a.test");
  }

  @Test
  void aLoopBranchIsDroppedWhileOtherBranchesDeliver() throws Exception {
    f.users("u@a.test");
    f.alias("x@a.test", "y@a.test", "u@a.test");
    f.alias("y@a.test", "x@a.test");
    assertThat(local("x@a.test").destinations()).containsExactly(mbox("u@a.test"));
    assertThat(local("y@a.test").destinations()).containsExactly(mbox("u@a.test"));
  }

  @Test
  void unknownTargetsAreDroppedAndAnAliasOfOnlyUnknownsIsUnknown() throws Exception {
    f.users("u@a.test");
    f.alias("x@a.test", "ghost@a.test", "u@a.test");
    f.alias("y@a.test", "ghost@a.test");
    assertThat(local("x@a.test").destinations()).containsExactly(mbox("u@a.test"));
    Resolution r = router.resolve("y@a.test");
    assertThat(r).isInstanceOf(Resolution.Unknown.class);
    assertThat(((Resolution.Unknown) r).reason()).contains("ghost@a.test");
  }

  @Test
  void tooDeepAChainFailsTemporarily() throws Exception {
    f.users("end@a.test");
    int n = Router.MAX_DEPTH + 5;
    for (int i = 0; i < n; i++) {
      f.alias("l" + i + "@a.test", "l" + (i + 1) + "@a.test");
    }
    f.alias("l" + n + "@a.test", "end@a.test");
    assertThat(router.resolve("l0@a.test")).isInstanceOf(Resolution.TempFail.class);
    assertThat(local("l10@a.test").destinations()).containsExactly(mbox("end@a.test"));
  }

  @Test
  void tooWideAnExpansionFailsTemporarily() throws Exception {
    String[] targets = new String[Router.MAX_DESTINATIONS + 1];
    for (int i = 0; i < targets.length; i++) {
      targets[i] = "m" + i + "@remote.test";
    }
    f.alias("huge@a.test", targets);
    assertThat(router.resolve("huge@a.test")).isInstanceOf(Resolution.TempFail.class);
  }

  @Test
  void databaseFailureIsATemporaryFailure() throws Exception {
    f.users("u@a.test");
    f.dir.close();
    Resolution r = router.resolve("u@a.test");
    assertThat(r).isInstanceOf(Resolution.TempFail.class);
    assertThat(router.mayUseSender("u@a.test", "x@a.test")).isFalse();
  }

  @Test
  void mayUseSenderAllowsTheNullSenderOwnAddressAndAliasesLeadingToTheUser() throws Exception {
    f.users("alice@a.test", "bob@a.test");
    f.alias("sales@a.test", "alice@a.test", "out@remote.test");
    f.alias("team@a.test", "sales@a.test");
    f.alias("@b.test", "alice@a.test");
    assertThat(router.mayUseSender("alice@a.test", null)).isTrue();
    assertThat(router.mayUseSender("alice@a.test", "")).isTrue();
    assertThat(router.mayUseSender("alice@a.test", "ALICE@a.test")).isTrue();
    assertThat(router.mayUseSender("Alice@A.test", "alice@a.test")).isTrue();
    assertThat(router.mayUseSender("alice@a.test", "sales@a.test")).isTrue();
    assertThat(router.mayUseSender("alice@a.test", "team@a.test")).isTrue();
    assertThat(router.mayUseSender("alice@a.test", "anything@b.test")).isTrue();
    assertThat(router.mayUseSender("bob@a.test", "sales@a.test")).isFalse();
    assertThat(router.mayUseSender("bob@a.test", "alice@a.test")).isFalse();
    assertThat(router.mayUseSender("alice@a.test", "bob@a.test")).isFalse();
    assertThat(router.mayUseSender("alice@a.test", "ceo@remote.test")).isFalse();
    assertThat(router.mayUseSender("alice@a.test", "nobody@a.test")).isFalse();
    assertThat(router.mayUseSender("alice@a.test", "not an address")).isFalse();
  }
}
