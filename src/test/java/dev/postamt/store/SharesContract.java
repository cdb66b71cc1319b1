package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link Shares} backend must do: RFC 4314 entries, rename and delete following the mailbox, shared accounts, send-as. */
public interface SharesContract {
  /** New, empty shares. */
  Shares fresh();

  @Test
  default void rightsOfAUserAreTheUnionOfWhatAppliesToThem() {
    Shares s = fresh();
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
  default void renameCarriesChildrenAndDeleteForgets() {
    Shares s = fresh();
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
  default void sharedAccountsAndSendAs() {
    Shares s = fresh();
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

  @Test
  default void aRenameOntoEntriesOfTheNewNameReplacesThem() {
    Shares s = fresh();
    s.grant("a@x.test", "Old", "b@x.test", Rights.parse("lrs"));
    s.grant("a@x.test", "Old/Kid", "c@x.test", Rights.parse("l"));
    s.grant("a@x.test", "New", "b@x.test", Rights.parse("l"));
    s.renamed("a@x.test", "Old", "New");
    assertThat(s.acl("a@x.test", "New")).isEqualTo(Map.of("b@x.test", Rights.parse("lrs")));
    assertThat(s.acl("a@x.test", "New/Kid")).isEqualTo(Map.of("c@x.test", Rights.parse("l")));
    assertThat(s.acl("a@x.test", "Old")).isEmpty();
    assertThat(s.ownedBy("b@x.test")).isEmpty();
  }
}
