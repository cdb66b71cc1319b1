package dev.postamt.filter.lists;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.Symbol;
import dev.postamt.filter.lists.SpamListStore.Entry;
import dev.postamt.filter.lists.SpamListStore.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lists as a check: whitelists count only for authenticated senders; per-user entries for their user. */
class SpamListsTest {
  static final Authentication SIGNED_BY_FRIENDS =
      new Authentication("none", "", List.of("friends.example"), "pass", "friends.example", "none", "pass", "");
  static final Authentication SPF_OF_OTHER =
      new Authentication("pass", "bulk.example", List.of(), "fail", "friends.example", "none", "pass", "");

  @TempDir Path dir;
  SpamLists lists;

  SpamLists open(String spamSection) throws Exception {
    Path cfg = dir.resolve("postamt.toml");
    Files.writeString(cfg, "hostname = \"mx.example.net\"\ndata_dir = \"" + dir.resolve("data") + "\"\n[listen]\n[spam]\n"
        + spamSection);
    lists = SpamLists.open(Config.load(cfg, true));
    return lists;
  }

  @AfterEach
  void close() {
    if (lists != null) {
      lists.close();
    }
  }

  static ScanInput input(String from, String mailFrom, List<String> rcpts, Authentication auth, String authUser) {
    String m = "From: Someone <" + from + ">\r\nTo: " + String.join(", ", rcpts) + "\r\nSubject: hi\r\n\r\nbody\r\n";
    return new ScanInput(ScannedMessage.of(m.getBytes(StandardCharsets.UTF_8)), "81.2.69.10", "h.example", authUser,
        mailFrom, rcpts, rcpts.stream().filter(r -> r.endsWith("@example.net")).toList(), auth, Instant.now());
  }

  static Findings scan(SpamLists lists, ScanInput in) throws IOException {
    Findings f = new Findings();
    lists.check().check(in, f);
    return f;
  }

  @Test
  void whitelistFromCountsOnlyWhenTheFromDomainIsAuthenticated() throws Exception {
    open("whitelist_from = [\"*@friends.example\"]\n");
    Findings signed = scan(lists, input("ann@friends.example", "ann@friends.example", List.of("bob@example.net"),
        SIGNED_BY_FRIENDS, null));
    assertThat(signed.get("USER_IN_WHITELIST").score()).isEqualTo(-100);
    assertThat(signed.get("USER_IN_WHITELIST").reason())
        .isEqualTo("From ann@friends.example is in whitelist_from (*@friends.example) and friends.example is authenticated");

    for (Authentication a : List.of(Authentication.NONE, SPF_OF_OTHER)) {
      Findings forged = scan(lists, input("ann@friends.example", "x@bulk.example", List.of("bob@example.net"), a, null));
      assertThat(forged.has("USER_IN_WHITELIST")).isFalse();
      assertThat(forged.get("WHITELIST_FROM_UNAUTHENTICATED").score()).isZero();
      assertThat(forged.get("WHITELIST_FROM_UNAUTHENTICATED").reason()).contains("not authenticated");
    }
  }

  @Test
  void blacklistAndRecipientLists() throws Exception {
    open("""
        blacklist_from = ["*@*.spam.example"]
        whitelist_to = ["postmaster@*"]
        all_spam_to = ["abuse@example.net"]
        more_spam_to = ["sales@example.net"]
        """);
    Findings black = scan(lists, input("x@mx1.spam.example", "", List.of("bob@example.net"), Authentication.NONE, null));
    assertThat(black.get("USER_IN_BLACKLIST").reason()).isEqualTo("sender x@mx1.spam.example is in blacklist_from (*@*.spam.example)");
    assertThat(black.get("USER_IN_BLACKLIST").score()).isEqualTo(100);
    Findings envelope = scan(lists, input("x@ok.example", "bounce@a.spam.example", List.of("bob@example.net"),
        Authentication.NONE, null));
    assertThat(envelope.get("USER_IN_BLACKLIST").reason()).contains("bounce@a.spam.example");

    Findings to = scan(lists, input("x@ok.example", "", List.of("postmaster@example.net", "abuse@example.net",
        "sales@example.net"), Authentication.NONE, null));
    assertThat(to.all()).extracting(Symbol::name, Symbol::score).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("USER_IN_WHITELIST_TO", -6.0),
        org.assertj.core.groups.Tuple.tuple("USER_IN_ALL_SPAM_TO", -100.0),
        org.assertj.core.groups.Tuple.tuple("USER_IN_MORE_SPAM_TO", -1.0));
    assertThat(scan(lists, input("x@ok.example", "", List.of("bob@example.net"), Authentication.NONE, null)).all()).isEmpty();
  }

  @Test
  void perUserEntriesApplyToTheirUserOnly() throws Exception {
    open("");
    lists.store().add(new Entry("bob@example.net", Kind.WHITELIST_FROM, "*@friends.example"));
    lists.store().add(new Entry("", Kind.BLACKLIST_FROM, "*@spam.example"));
    Findings bob = scan(lists, input("ann@friends.example", "", List.of("bob@example.net"), SIGNED_BY_FRIENDS, null));
    assertThat(bob.get("USER_IN_WHITELIST").reason()).contains("whitelist_from of bob@example.net");
    Findings carol = scan(lists, input("ann@friends.example", "", List.of("carol@example.net"), SIGNED_BY_FRIENDS, null));
    assertThat(carol.all()).isEmpty();
    Findings global = scan(lists, input("x@spam.example", "", List.of("carol@example.net"), Authentication.NONE, null));
    assertThat(global.has("USER_IN_BLACKLIST")).isTrue();
  }

  @Test
  void sendersAUserWroteToAreWhitelistedForThatUserWhenAuthenticated() throws Exception {
    open("");
    lists.rememberRecipients("Bob@Example.net", List.of("Ann@Friends.example", "not an address"));
    assertThat(lists.store().rememberedCount("bob@example.net")).isEqualTo(1);
    Findings f = scan(lists, input("ann@friends.example", "", List.of("bob@example.net"), SIGNED_BY_FRIENDS, null));
    assertThat(f.get("USER_IN_AUTO_WHITELIST").score()).isEqualTo(-3);
    assertThat(f.get("USER_IN_AUTO_WHITELIST").reason()).contains("bob@example.net has written to ann@friends.example");
    assertThat(scan(lists, input("ann@friends.example", "", List.of("bob@example.net"), Authentication.NONE, null)).all())
        .isEmpty();
    assertThat(scan(lists, input("ann@friends.example", "", List.of("carol@example.net"), SIGNED_BY_FRIENDS, null)).all())
        .isEmpty();
  }

  @Test
  void noAutoWhitelistWhenTurnedOff() throws Exception {
    open("auto_whitelist = false\n");
    lists.rememberRecipients("bob@example.net", List.of("ann@friends.example"));
    assertThat(lists.store().rememberedCount("bob@example.net")).isZero();
  }

  @Test
  void outboundMailGetsNoListSymbols() throws Exception {
    open("blacklist_from = [\"*@example.net\"]\nwhitelist_to = [\"*\"]\n");
    assertThat(scan(lists, input("bob@example.net", "bob@example.net", List.of("x@other.example"), Authentication.NONE,
        "bob@example.net")).all()).isEmpty();
  }

  @Test
  void aStoreThatCannotBeReadLeavesTheConfigEntries() throws Exception {
    Config config = Config.load(writeConfig("blacklist_from = [\"*@spam.example\"]\n"), true);
    SpamListStore broken = new SpamListStore() {
      @Override public List<Entry> entries(String user) throws IOException { throw new IOException("disk gone"); }
      @Override public boolean add(Entry entry) throws IOException { throw new IOException("disk gone"); }
      @Override public boolean remove(Entry entry) throws IOException { throw new IOException("disk gone"); }
      @Override public void remember(String user, List<String> a, Instant when) throws IOException { throw new IOException("x"); }
      @Override public boolean remembered(String user, String address) throws IOException { throw new IOException("x"); }
      @Override public int rememberedCount(String user) throws IOException { throw new IOException("x"); }
      @Override public void close() {}
    };
    SpamLists l = new SpamLists(config.spam(), broken, Clock.systemUTC());
    assertThat(scan(l, input("x@spam.example", "", List.of("bob@example.net"), Authentication.NONE, null)).has("USER_IN_BLACKLIST"))
        .isTrue();
  }

  private Path writeConfig(String spam) throws IOException {
    Path cfg = dir.resolve("other.toml");
    Files.writeString(cfg, "hostname = \"mx.example.net\"\ndata_dir = \"" + dir.resolve("d2") + "\"\n[listen]\n[spam]\n" + spam);
    return cfg;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      *@example.org          | a@example.org         | true
      *@example.org          | a@sub.example.org     | false
      user@*.example.org     | user@mx.example.org   | true
      user@*.example.org     | user@example.org      | false
      ?@example.org          | a@example.org         | true
      ?@example.org          | ab@example.org        | false
      *                      | anything@any.example  | true
      a*b*c@x.example        | aXXbYYc@x.example     | true
      a*b*c@x.example        | aXXbYY@x.example      | false
      """)
  void globs(String pattern, String address, boolean match) {
    assertThat(SpamLists.matches(pattern.toLowerCase(), address.toLowerCase())).isEqualTo(match);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      Example.ORG         | *@example.org
      @example.org        | *@example.org
      *@Example.org       | *@example.org
      user@*.example.org  | user@*.example.org
      *                   | *
      """)
  void patternsAreNormalised(String given, String stored) {
    assertThat(SpamLists.normalisePattern(given)).isEqualTo(stored);
  }

  @Test
  void badPatternsAreRefused() {
    for (String bad : List.of("", "a b@example.org", "a@b@c", "<a@example.org>")) {
      assertThatThrownBy(() -> SpamLists.normalisePattern(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not an address pattern");
    }
  }
}
