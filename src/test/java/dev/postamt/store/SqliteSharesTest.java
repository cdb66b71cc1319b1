package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ACL table and the rights algebra: RFC 4314 rights, identifiers, rename and delete following the mailbox. */
class SqliteSharesTest implements SharesContract {
  @TempDir Path dir;

  @Override
  public Shares fresh() {
    return new SqliteShares(dir);
  }

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

}
