package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ACL table and the rights algebra: RFC 4314 rights, identifiers, rename and delete following the mailbox. */
class SqliteSharesTest {
  @TempDir Path dir;

  @Test
  void rightsParseInCanonicalOrderWithTheObsoleteGroups() {
    assertThat(Rights.parse("srl").letters()).isEqualTo("lrs");
    assertThat(Rights.parse("c").letters()).isEqualTo("k"); // RFC 4314 §2.1.1
    assertThat(Rights.parse("d").letters()).isEqualTo("xte");
    assertThat(Rights.parse("lr0").letters()).isEqualTo("lr");
    assertThat(Rights.parse("lrk").wire()).isEqualTo("lrkc");
    assertThat(Rights.parse("lrt").wire()).isEqualTo("lrtd");
    assertThat(Rights.ALL.wire()).isEqualTo("lrswipkxteancd");
    assertThat(Rights.parse("lrs").minus(Rights.parse("s")).plus(Rights.parse("w")).letters()).isEqualTo("lrw");
    assertThatThrownBy(() -> Rights.parse("lz")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'z'");
  }

  @Test
  void identifiers() {
    assertThat(Shares.identifier("Bob@Example.ORG")).contains("bob@example.org");
    assertThat(Shares.identifier("ANYONE")).contains("anyone");
    assertThat(Shares.identifier("@example.org")).contains("@example.org");
    assertThat(Shares.identifier("-bob@example.org")).isEmpty();
    assertThat(Shares.identifier("bob")).isEmpty();
    assertThat(Shares.appliesTo("@example.org", "bob@example.org")).isTrue();
    assertThat(Shares.appliesTo("@example.org", "bob@notexample.org")).isFalse();
  }

  @Test
  void aMissingFileReadsEmptyAndIsCreatedOnTheFirstWrite() {
    SqliteShares s = new SqliteShares(dir);
    assertThat(s.acl("a@x.test", "INBOX")).isEmpty();
    assertThat(s.sharedWith("b@x.test")).isEmpty();
    assertThat(s.revoke("a@x.test", "INBOX", "b@x.test")).isFalse();
    assertThat(Files.exists(dir.resolve(SqliteShares.FILE_NAME))).isFalse();
    s.grant("a@x.test", "INBOX", "b@x.test", Rights.parse("lr"));
    assertThat(Files.exists(dir.resolve(SqliteShares.FILE_NAME))).isTrue();
  }

  @Test
  void rightsOfAUserAreTheUnionOfWhatAppliesToThem() {
    SqliteShares s = new SqliteShares(dir);
    s.grant("A@x.test", "Team", "b@x.test", Rights.parse("lr"));
    s.grant("a@x.test", "Team", "@x.test", Rights.parse("s"));
    s.grant("a@x.test", "Team", "anyone", Rights.parse("l"));
    s.grant("a@x.test", "Other", "@y.test", Rights.parse("lrswi"));
    assertThat(s.rightsOf("b@x.test", "a@x.test", "Team").letters()).isEqualTo("lrs");
    assertThat(s.rightsOf("c@y.test", "a@x.test", "Team").letters()).isEqualTo("l");
    assertThat(s.rightsOf("a@x.test", "a@x.test", "Team")).isEqualTo(Rights.ALL);
    assertThat(s.sharedWith("b@x.test")).extracting(Shares.Grant::grantee).containsExactlyInAnyOrder("b@x.test", "@x.test", "anyone");
    assertThat(s.sharedWith("a@x.test")).isEmpty(); // one's own mailboxes are not "shared with" one
    s.grant("a@x.test", "Team", "b@x.test", Rights.NONE);
    assertThat(s.acl("a@x.test", "Team")).containsOnlyKeys("@x.test", "anyone");
  }

  @Test
  void renameCarriesChildrenAndDeleteForgets() {
    SqliteShares s = new SqliteShares(dir);
    s.grant("a@x.test", "P", "b@x.test", Rights.parse("lr"));
    s.grant("a@x.test", "P/Sub", "b@x.test", Rights.parse("lrs"));
    s.grant("a@x.test", "Pq", "b@x.test", Rights.parse("l"));
    s.renamed("a@x.test", "P", "Q");
    assertThat(s.ownedBy("a@x.test")).extracting(Shares.Grant::mailbox).containsExactly("Pq", "Q", "Q/Sub");
    s.deleted("a@x.test", "Q");
    assertThat(s.acl("a@x.test", "Q")).isEmpty();
    assertThat(s.acl("a@x.test", "Q/Sub")).isEqualTo(Map.of("b@x.test", Rights.parse("lrs")));
  }

  @Test
  void sharedAccountsAndSendAs() {
    SqliteShares s = new SqliteShares(dir);
    s.markShared("Team@x.test", true);
    assertThat(s.sharedAccounts()).containsExactly("team@x.test");
    s.allowSendAs("team@x.test", "B@x.test", true);
    assertThat(s.maySendAs("b@x.test", "TEAM@x.test")).isTrue();
    assertThat(s.maySendAs("c@x.test", "team@x.test")).isFalse();
    s.allowSendAs("team@x.test", "b@x.test", false);
    assertThat(s.sendAs("team@x.test")).isEmpty();
    s.markShared("team@x.test", false);
    assertThat(s.sharedAccounts()).isEmpty();
  }
}
