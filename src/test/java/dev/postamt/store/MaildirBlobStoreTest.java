package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Maildir++ blob store against the blob contract, plus its own name limit. */
class MaildirBlobStoreTest implements BlobStoreContract {
  @Override
  public BlobStore newBlobStore(Path dir) throws IOException {
    MaildirBlobStore b = new MaildirBlobStore(dir.resolve("Maildir"));
    b.createMailbox(MailboxNames.INBOX);
    return b;
  }

  /** Maildir++ finds a mailbox's files by its name: after a rename the old name has none. */
  @Test
  void afterARenameTheOldNameHasNoBlobs(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    b.createMailbox("A");
    String key = b.put(BlobStoreContract.box(3, "A"), new java.io.ByteArrayInputStream(BLOB), BLOB.length, java.util.Set.of(), 0);
    b.renameMailbox("A", "B");
    assertThat(b.open(BlobStoreContract.box(3, "A"), key, java.util.Set.of())).isEmpty();
  }

  /** Maildir++ keeps a whole hierarchy in one directory name, so its limit is on the encoded name. */
  @Test
  void folderNamesLongerThanADirectoryNameAreRefused(@TempDir Path dir) throws IOException {
    BlobStore b = newBlobStore(dir);
    b.checkName("x".repeat(254)); // ".xxx…": 255 bytes, the most a directory name may have
    b.createMailbox("x".repeat(254));
    // Within MailboxNames' limits (16 levels of at most 255 bytes), but 16 × 16 = 256 bytes as ".aaa…aaa.…"
    String sixteen = String.join("/", java.util.Collections.nCopies(16, "a".repeat(15)));
    assertThatThrownBy(() -> b.checkName(sixteen))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LIMIT));
    assertThatThrownBy(() -> b.checkName(".".repeat(90))) // each dot is written %2E
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.LIMIT));
  }
}
