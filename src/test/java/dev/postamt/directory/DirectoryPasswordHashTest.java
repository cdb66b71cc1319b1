package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Argon2id PHC strings (named Directory* so it runs with the directory tests). */
class DirectoryPasswordHashTest {

  @Test
  void hashHasPhcFormatAndOwaspParameters() {
    String h = PasswordHash.hash("pw".toCharArray());
    assertThat(h).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(PasswordHash.needsRehash(h)).isFalse();
  }

  @Test
  void saltsDifferAndVerificationNeedsTheRightPassword() {
    String a = PasswordHash.hash("pw".toCharArray());
    String b = PasswordHash.hash("pw".toCharArray());
    assertThat(a).isNotEqualTo(b);
    assertThat(PasswordHash.verify("pw".toCharArray(), a)).isTrue();
    assertThat(PasswordHash.verify("pw".toCharArray(), b)).isTrue();
    assertThat(PasswordHash.verify("pW".toCharArray(), a)).isFalse();
    assertThat(PasswordHash.verify("".toCharArray(), a)).isFalse();
  }

  @Test
  void verifiesAKnownVectorFromTheReferenceImplementation() {
    // Made by the reference libargon2 (through Python argon2-cffi): password "password", salt "somesalt".
    String phc = "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk";
    assertThat(PasswordHash.verify("password".toCharArray(), phc)).isTrue();
    assertThat(PasswordHash.verify("passw0rd".toCharArray(), phc)).isFalse();
    assertThat(PasswordHash.needsRehash(phc)).isTrue();
  }

  @Test
  void verifiesAHashMadeElsewhereWithOurParametersAndANonAsciiPassword() {
    // libargon2 via argon2-cffi PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).
    String phc = "$argon2id$v=19$m=19456,t=2,p=1$NP3TQmiimDDA9mCr1ujcpg$12oqcVwX541SoUQCls25OJKud7jeL37tknOIoz9/Msg";
    assertThat(PasswordHash.verify("pässwörd €".toCharArray(), phc)).isTrue();
    assertThat(PasswordHash.verify("passwörd €".toCharArray(), phc)).isFalse();
    assertThat(PasswordHash.needsRehash(phc)).isFalse();
  }

  @Test
  void nonAsciiPasswordsAreHashedAsUtf8() {
    String h = PasswordHash.hash("pässwörd €".toCharArray());
    assertThat(PasswordHash.verify("pässwörd €".toCharArray(), h)).isTrue();
    assertThat(PasswordHash.verify("passwoerd €".toCharArray(), h)).isFalse();
  }

  @Test
  void malformedOrAbsurdStoredStringsNeverMatch() {
    assertThat(PasswordHash.verify("pw".toCharArray(), null)).isFalse();
    assertThat(PasswordHash.verify("pw".toCharArray(), "")).isFalse();
    assertThat(PasswordHash.verify("pw".toCharArray(), "pw")).isFalse();
    assertThat(PasswordHash.verify("pw".toCharArray(), "{PLAIN}pw")).isFalse();
    assertThat(PasswordHash.verify("pw".toCharArray(), "$argon2i$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk"))
        .isFalse();
    assertThat(PasswordHash.verify("pw".toCharArray(), "$argon2id$v=19$m=9999999,t=2,p=1$c29tZXNhbHQ$7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk"))
        .isFalse();
  }
}
