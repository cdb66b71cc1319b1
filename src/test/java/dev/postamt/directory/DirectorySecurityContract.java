package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.directory.AccountSecurity.NewAppPassword;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link AccountSecurity} (disabled accounts, roles, TOTP, app passwords) and {@link Masks} do on
 * every backend; a backend's test implements this together with {@link DirectoryContract}.
 */
public interface DirectorySecurityContract {
  /** The directory kept under {@code data}, empty the first time. */
  Directory open(Path data) throws Exception;

  private static Directory withUsers(Directory dir) throws DirectoryException {
    dir.addDomain("b.test");
    dir.addDomain("c.test");
    dir.addUser("alice@b.test", "alice pw".toCharArray());
    dir.addUser("bob@b.test", "bob pw".toCharArray());
    return dir;
  }

  @Test
  default void aDisabledAccountLogsInNowhereTheCacheIncluded(@TempDir Path data) throws Exception {
    try (Directory dir = withUsers(open(data))) {
      dir.cacheVerifiedLogins(Duration.ofHours(1));
      assertThat(dir.authenticate("alice@b.test", "alice pw".toCharArray())).isPresent();
      NewAppPassword app = dir.security().addAppPassword("alice@b.test", "phone");
      dir.security().setDisabled("Alice@b.test", true);
      assertThat(dir.security().disabled("alice@b.test")).isTrue();
      assertThat(dir.security().disabled("bob@b.test")).isFalse();
      assertThat(dir.authenticate("alice@b.test", "alice pw".toCharArray())).isEmpty();
      assertThat(dir.authenticate("alice@b.test", app.secret().toCharArray())).isEmpty();
      assertThat(dir.scramLogin("alice@b.test")).isEmpty();
      assertThat(dir.userExists("alice@b.test")).as("mail is still accepted").isTrue();
      dir.security().setDisabled("alice@b.test", false);
      assertThat(dir.authenticate("alice@b.test", "alice pw".toCharArray())).contains("alice@b.test");
      assertThatThrownBy(() -> dir.security().setDisabled("nobody@b.test", true)).hasMessage("user nobody@b.test does not exist");
    }
  }

  @Test
  default void rolesAreAdminOrPerDomain(@TempDir Path data) throws Exception {
    try (Directory dir = withUsers(open(data))) {
      assertThat(dir.security().roles("alice@b.test")).isEqualTo(AccountSecurity.Roles.USER);
      dir.security().setAdmin("alice@b.test", true);
      assertThat(dir.security().roles("alice@b.test").admin()).isTrue();
      dir.security().setAdmin("alice@b.test", false);
      assertThat(dir.security().roles("alice@b.test").administers()).isFalse();
      dir.security().addDomainAdmin("bob@b.test", "C.test");
      dir.security().addDomainAdmin("bob@b.test", "c.test"); // twice is once
      dir.security().addDomainAdmin("bob@b.test", "b.test");
      assertThat(dir.security().roles("bob@b.test").domains()).isEqualTo(Set.of("b.test", "c.test"));
      assertThat(dir.security().roles("bob@b.test").administers("C.TEST")).isTrue();
      dir.security().removeDomainAdmin("bob@b.test", "b.test");
      assertThat(dir.security().roles("bob@b.test").domains()).containsExactly("c.test");
      assertThatThrownBy(() -> dir.security().addDomainAdmin("bob@b.test", "x.test")).hasMessageContaining("not a local domain");
      assertThatThrownBy(() -> dir.security().addDomainAdmin("x@b.test", "b.test")).hasMessage("user x@b.test does not exist");
      dir.removeUser("bob@b.test");
      dir.addUser("bob@b.test", "new".toCharArray());
      assertThat(dir.security().roles("bob@b.test")).as("the role went with the user").isEqualTo(AccountSecurity.Roles.USER);
    }
  }

  @Test
  default void theSecondFactorIsSetAndCleared(@TempDir Path data) throws Exception {
    try (Directory dir = withUsers(open(data))) {
      assertThat(dir.security().totpSecret("alice@b.test")).isEmpty();
      dir.security().setTotpSecret("alice@b.test", "JBSWY3DPEHPK3PXP");
      assertThat(dir.security().totpSecret("ALICE@b.test")).contains("JBSWY3DPEHPK3PXP");
      assertThatThrownBy(() -> dir.security().setTotpSecret("alice@b.test", "not base32!")).hasMessage("the TOTP secret is not base32");
      dir.security().setTotpSecret("alice@b.test", null);
      assertThat(dir.security().totpSecret("alice@b.test")).isEmpty();
    }
  }

  @Test
  default void appPasswordsLogInToMailButNotToTheAccountAndCanBeRevoked(@TempDir Path data) throws Exception {
    try (Directory dir = withUsers(open(data))) {
      NewAppPassword phone = dir.security().addAppPassword("alice@b.test", "phone");
      NewAppPassword laptop = dir.security().addAppPassword("alice@b.test", "laptop");
      assertThat(dir.security().appPasswords("alice@b.test")).extracting(AccountSecurity.AppPassword::name)
          .containsExactly("phone", "laptop");
      assertThat(dir.security().appPasswords("alice@b.test").get(0).lastUsed()).isNull();
      assertThat(dir.authenticate("alice@b.test", phone.secret().toUpperCase().replace("-", " ").toCharArray()))
          .contains("alice@b.test");
      assertThat(dir.security().appPasswords("alice@b.test").get(0).lastUsed()).as("recorded at use").isNotNull();
      assertThat(dir.authenticateAccount("alice@b.test", phone.secret().toCharArray())).isEmpty();
      assertThat(dir.authenticate("bob@b.test", phone.secret().toCharArray())).as("alice's, not bob's").isEmpty();
      assertThat(dir.security().revokeAppPassword("alice@b.test", phone.info().id())).isTrue();
      assertThat(dir.security().revokeAppPassword("alice@b.test", phone.info().id())).isFalse();
      assertThat(dir.authenticate("alice@b.test", phone.secret().toCharArray())).isEmpty();
      assertThat(dir.authenticate("alice@b.test", laptop.secret().toCharArray())).contains("alice@b.test");
      assertThatThrownBy(() -> dir.security().addAppPassword("alice@b.test", " ")).hasMessageContaining("needs a name");
      dir.removeUser("alice@b.test");
      dir.addUser("alice@b.test", "again".toCharArray());
      assertThat(dir.security().appPasswords("alice@b.test")).as("they went with the user").isEmpty();
    }
  }

  @Test
  default void masksDeliverToTheirOwnerUntilSwitchedOff(@TempDir Path data) throws Exception {
    try (Directory dir = withUsers(open(data))) {
      Masks.Mask shop = dir.masks().create("Alice@b.test", "My Shop!");
      assertThat(shop.address()).matches("my-shop\\.[a-z2-9]{10}@b\\.test");
      assertThat(shop.owner()).isEqualTo("alice@b.test");
      assertThat(shop.enabled()).isTrue();
      Masks.Mask news = dir.masks().create("alice@b.test", "news");
      assertThat(dir.masks().list("alice@b.test")).extracting(Masks.Mask::address)
          .containsExactlyInAnyOrder(shop.address(), news.address());
      assertThat(dir.masks().list("bob@b.test")).isEmpty();
      assertThat(dir.masks().lookup(shop.address().toUpperCase())).contains(shop);
      assertThat(dir.masks().setEnabled(shop.address(), false).enabled()).isFalse();
      assertThat(dir.masks().lookup(shop.address()).orElseThrow().enabled()).isFalse();
      dir.masks().remove(news.address());
      assertThat(dir.masks().lookup(news.address())).isEmpty();
      assertThatThrownBy(() -> dir.masks().remove(news.address())).hasMessageEndingWith("is no masked address");
      assertThatThrownBy(() -> dir.masks().create("nobody@b.test", "x")).hasMessage("user nobody@b.test does not exist");
      assertThatThrownBy(() -> dir.masks().create("alice@b.test", "!!")).hasMessageContaining("needs a label");
      dir.removeUser("alice@b.test");
      assertThat(dir.masks().lookup(shop.address())).as("masks go with their owner").isEmpty();
      assertThat(dir.masks().list("alice@b.test")).isEmpty();
      assertThat(dir.users()).containsExactly("bob@b.test");
    }
  }
}
