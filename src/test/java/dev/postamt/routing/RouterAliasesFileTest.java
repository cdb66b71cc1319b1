package dev.postamt.routing;

import static dev.postamt.routing.RouterFixture.mbox;
import static dev.postamt.routing.RouterFixture.remote;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aliases_file: every target form, :include:, backslash users, reload, malformed lines. */
class RouterAliasesFileTest {
  @TempDir Path tmp;
  RouterFixture f;
  Router router;

  @BeforeEach
  void setUp() throws Exception {
    f = new RouterFixture(tmp, false);
    f.dir.addDomain("a.test");
    f.dir.addDomain("b.test");
    f.users("alice@a.test", "bob@a.test", "bob@b.test", "root@b.test");
    router = f.router();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private List<Destination> dests(String rcpt) {
    Resolution r = router.resolve(rcpt);
    assertThat(r).isInstanceOf(Resolution.Local.class);
    return ((Resolution.Local) r).destinations();
  }

  @Test
  void everyTargetForm() throws Exception {
    Path list = tmp.resolve("list.txt");
    Files.writeString(list, "# members\nx@remote.test\n  bob, \"|/bin/cat -n\"\n");
    f.aliasesFile(
        """
        # the admin's aliases
        everything: alice@a.test, bob, \\root,
            |/usr/bin/procmail, "|/usr/local/bin/ticket --queue support",
            /var/mail/archive, :include:%s
        """
            .formatted(list));
    assertThat(dests("everything@b.test"))
        .containsExactly(
            mbox("alice@a.test"),
            mbox("bob@b.test"),
            mbox("root@b.test"),
            new Destination.Pipe("/usr/bin/procmail"),
            new Destination.Pipe("/usr/local/bin/ticket --queue support"),
            new Destination.File(Path.of("/var/mail/archive")),
            remote("x@remote.test"),
            new Destination.Pipe("/bin/cat -n"));
  }

  @Test
  void aBareKeyAppliesInEveryLocalDomainAndAFullKeyWins() throws Exception {
    f.aliasesFile("postmaster: alice@a.test\npostmaster@b.test: bob@b.test\n");
    assertThat(dests("postmaster@a.test")).containsExactly(mbox("alice@a.test"));
    assertThat(dests("PostMaster@b.test")).containsExactly(mbox("bob@b.test"));
    assertThat(router.resolve("postmaster@remote.test")).isEqualTo(new Resolution.NotLocal());
  }

  @Test
  void bareTargetNamesTakeTheDomainOfTheAddressBeingResolved() throws Exception {
    f.aliasesFile("help: bob\n");
    assertThat(dests("help@a.test")).containsExactly(mbox("bob@a.test"));
    assertThat(dests("help@b.test")).containsExactly(mbox("bob@b.test"));
  }

  @Test
  void directoryAliasesComeFirstThenTheFileThenUsers() throws Exception {
    f.aliasesFile("alice: bob\nsales: bob\n");
    f.alias("sales@a.test", "alice@a.test");
    // The file's alice -> bob takes alice's mail as well (like /etc/aliases over a local account)...
    assertThat(dests("alice@a.test")).containsExactly(mbox("bob@a.test"));
    // ...and the directory alias wins over the file.
    assertThat(dests("sales@a.test")).containsExactly(mbox("bob@a.test"));
    f.aliasesFile("sales: root@b.test\n");
    assertThat(dests("sales@a.test")).containsExactly(mbox("alice@a.test"));
  }

  @Test
  void backslashUserIsNotExpandedFurther() throws Exception {
    f.aliasesFile("bob: \\bob, bob@remote.test\n");
    assertThat(dests("bob@a.test")).containsExactly(mbox("bob@a.test"), remote("bob@remote.test"));
    f.aliasesFile("bob: \\ghost, bob@remote.test\n");
    assertThat(dests("bob@a.test")).containsExactly(remote("bob@remote.test"));
  }

  @Test
  void theFileIsReloadedWhenItChanges() throws Exception {
    f.aliasesFile("x: alice@a.test\n");
    assertThat(dests("x@a.test")).containsExactly(mbox("alice@a.test"));
    f.aliasesFile("x: bob@a.test\n");
    assertThat(dests("x@a.test")).containsExactly(mbox("bob@a.test"));
    Files.delete(f.aliases);
    assertThat(router.resolve("x@a.test")).isInstanceOf(Resolution.Unknown.class);
  }

  @Test
  void aLoopThroughTheFileIsDetected() throws Exception {
    f.aliasesFile("x: y\ny: x\nz: y, alice@a.test\n");
    Resolution r = router.resolve("x@a.test");
    assertThat(r).isInstanceOf(Resolution.Unknown.class);
    assertThat(((Resolution.Unknown) r).reason()).contains("alias loop");
    assertThat(dests("z@a.test")).containsExactly(mbox("alice@a.test"));
  }

  @Test
  void anIncludeThatIncludesItselfIsALoopNotAHang() throws Exception {
    Path self = tmp.resolve("self.txt");
    Files.writeString(self, ":include:" + self + "\nalice@a.test\n");
    f.aliasesFile("list: :include:" + self + "\n");
    assertThat(dests("list@a.test")).containsExactly(mbox("alice@a.test"));
  }

  @Test
  void anUnreadableIncludeFailsTemporarily() throws Exception {
    f.aliasesFile("list: alice@a.test, :include:" + tmp.resolve("missing.txt") + "\n");
    Resolution r = router.resolve("list@a.test");
    assertThat(r).isInstanceOf(Resolution.TempFail.class);
    assertThat(((Resolution.TempFail) r).reason()).contains("missing.txt");
  }

  @Test
  void malformedLinesAreSkippedWithFileAndLineAndTheRestStillWorks() throws Exception {
    f.aliasesFile(
        """
          orphan continuation
        no colon here
        good: alice@a.test
        bad key: alice@a.test
        empty:
        quote: "|unterminated
        also: bob
        """);
    assertThat(dests("good@a.test")).containsExactly(mbox("alice@a.test"));
    assertThat(dests("also@a.test")).containsExactly(mbox("bob@a.test"));
    assertThat(router.resolve("empty@a.test")).isInstanceOf(Resolution.Unknown.class);

    List<String> warnings = new ArrayList<>();
    Map<String, AliasesFile.Entry> parsed =
        AliasesFile.parse(Files.readString(f.aliases), "/etc/aliases", warnings::add);
    assertThat(parsed.keySet()).containsExactlyInAnyOrder("good", "also");
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).startsWith("/etc/aliases:1: continuation line"))
        .anySatisfy(w -> assertThat(w).startsWith("/etc/aliases:2: expected"))
        .anySatisfy(w -> assertThat(w).startsWith("/etc/aliases:4: \"bad key\" is not a valid alias name"))
        .anySatisfy(w -> assertThat(w).startsWith("/etc/aliases:5: alias empty has no usable target"))
        .anySatisfy(w -> assertThat(w).startsWith("/etc/aliases:6: unbalanced double quote"));
  }

  @Test
  void theFirstOfDuplicateKeysWins() {
    List<String> warnings = new ArrayList<>();
    Map<String, AliasesFile.Entry> parsed =
        AliasesFile.parse("a: x@r.test\nA: y@r.test\n", "f", warnings::add);
    assertThat(parsed.get("a").targets()).containsExactly(new AliasTarget.Address("x@r.test"));
    assertThat(warnings).singleElement().asString().startsWith("f:2: duplicate alias a (first at f:1)");
  }

  @Test
  void targetsParseIntoTheirForms() {
    List<String> problems = new ArrayList<>();
    List<AliasTarget> t =
        AliasTarget.parseList(
            " Joe@Example.ORG , joe,\\Joe, |cmd, \"| cmd a, b\", /tmp/f, :INCLUDE: /etc/l, :include:rel, /x\n\"quoted\"",
            problems::add);
    assertThat(t)
        .containsExactly(
            new AliasTarget.Address("Joe@example.org"),
            new AliasTarget.LocalName("joe"),
            new AliasTarget.Verbatim("joe"),
            new AliasTarget.Pipe("cmd"),
            new AliasTarget.Pipe("cmd a, b"),
            new AliasTarget.FileTarget(Path.of("/tmp/f")),
            new AliasTarget.Include(Path.of("/etc/l")),
            new AliasTarget.FileTarget(Path.of("/x")),
            new AliasTarget.LocalName("quoted"));
    assertThat(problems).singleElement().asString().contains(":include: needs an absolute path");
  }

  @Test
  void mayUseSenderCountsAliasesFromTheFile() throws Exception {
    f.aliasesFile("webmaster: alice@a.test\nnoc@b.test: \\bob\n");
    assertThat(router.mayUseSender("alice@a.test", "webmaster@a.test")).isTrue();
    assertThat(router.mayUseSender("alice@a.test", "webmaster@b.test")).isTrue();
    assertThat(router.mayUseSender("bob@b.test", "noc@b.test")).isTrue();
    assertThat(router.mayUseSender("bob@a.test", "noc@b.test")).isFalse();
    assertThat(router.mayUseSender("bob@a.test", "webmaster@a.test")).isFalse();
  }
}
