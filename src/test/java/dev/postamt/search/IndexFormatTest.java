package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index written before the body was indexed as {@link Runs} holds it as positional grams, which the
 * queries no longer read: opened, it is emptied and its state forgotten, so the indexer takes every
 * message in again and searches read the messages meanwhile; an index of the current form keeps both.
 */
class IndexFormatTest {
  @TempDir Path dir;

  private void write(Path at, Map<String, String> commitData) throws Exception {
    try (FSDirectory d = FSDirectory.open(at); IndexWriter w = new IndexWriter(d, new IndexWriterConfig())) {
      Document doc = new Document();
      doc.add(new StringField("id", "1/7", Field.Store.NO));
      w.addDocument(doc);
      w.setLiveCommitData(commitData.entrySet());
      w.commit();
    }
  }

  @Test
  void anIndexOfTheOlderFormIsEmptiedAndItsStateForgotten() throws Exception {
    Path at = dir.resolve("alice@example.test");
    write(at, Map.of("mb.1", new UserIndex.MailboxState(5, 8, 3).encode()));
    try (UserIndex ix = UserIndex.open("alice@example.test", at)) {
      IndexView v = ix.acquire();
      assertThat(v.state).isEmpty();
      assertThat(v.reader.numDocs()).isZero();
      ix.release(v);
    }
    try (FSDirectory d = FSDirectory.open(at)) {
      assertThat(SegmentInfos.readLatestCommit(d).getUserData()).containsEntry(UserIndex.FORMAT_KEY, UserIndex.FORMAT)
          .doesNotContainKey("mb.1");
    }
  }

  @Test
  void anIndexOfTheCurrentFormKeepsItsDocumentsAndState() throws Exception {
    Path at = dir.resolve("bob@example.test");
    write(at, Map.of("mb.1", new UserIndex.MailboxState(5, 8, 3).encode(), UserIndex.FORMAT_KEY, UserIndex.FORMAT));
    try (UserIndex ix = UserIndex.open("bob@example.test", at)) {
      IndexView v = ix.acquire();
      assertThat(v.state).containsEntry(1L, new UserIndex.MailboxState(5, 8, 3));
      assertThat(v.reader.numDocs()).isEqualTo(1);
      ix.release(v);
    }
  }
}
