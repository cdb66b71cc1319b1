package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.SqliteMailStore;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sync publishes without committing (UserIndex.COMMIT_NANOS): its changes answer searches at once,
 * the commit follows later; a crash before it costs only index work, never a wrong answer.
 */
class UserIndexCommitTest {
  static final String USER = SearchIndexesTest.USER;
  static final MessageDocument.Budget BUDGET = new MessageDocument.Budget(50L << 20, 4_000_000, 100_000);
  @TempDir Path dir;

  static Boolean body(UserIndex ix, MailboxInfo m, long uid, String needle) throws Exception {
    UserIndex.View v = ix.acquire();
    try {
      SubstringQuery q = SubstringQuery.body(true, needle);
      long[] hits = v.uids(UserIndex.inMailboxes(q.query(), java.util.Set.of(m.id())), 0);
      long[] known = v.known(m.id())[1];
      if (java.util.Arrays.binarySearch(known, uid) < 0) {
        return null;
      }
      return java.util.Arrays.binarySearch(hits, uid) >= 0;
    } finally {
      ix.release(v);
    }
  }

  static int committedMailboxes(Path index) throws Exception {
    try (FSDirectory d = FSDirectory.open(index)) {
      return (int) SegmentInfos.readLatestCommit(d).getUserData().keySet().stream().filter(k -> k.startsWith("mb.")).count();
    }
  }

  @Test
  void aSyncIsSearchableAtOnceAndCommittedLaterOrAtClose() throws Exception {
    Path index = dir.resolve("index");
    try (SqliteMailStore store = new SqliteMailStore(dir.resolve("store")); Account a = store.open(USER)) {
      long uid = SearchIndexesTest.append(a, "INBOX", SearchIndexesTest.message("hi", "a wombat burrow"));
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      UserIndex ix = UserIndex.open(USER, index);
      long later;
      try {
        assertThat(ix.sync(a, BUDGET, () -> false, null)).isEqualTo(1);
        assertThat(body(ix, inbox, uid, "wombat")).as("published").isTrue();
        assertThat(body(ix, inbox, uid, "koala")).isFalse();
        assertThat(ix.uncommitted()).isTrue();
        assertThat(ix.commitIfOlder(UserIndex.COMMIT_NANOS)).as("too young to commit").isFalse();
        assertThat(ix.commitIfOlder(0)).isTrue();
        assertThat(ix.uncommitted()).isFalse();
        assertThat(committedMailboxes(index)).isEqualTo(a.mailboxes().size());

        later = SearchIndexesTest.append(a, "INBOX", SearchIndexesTest.message("again", "a koala"));
        assertThat(ix.sync(a, BUDGET, () -> false, null)).isEqualTo(1);
        assertThat(body(ix, inbox, later, "koala")).isTrue();
        assertThat(ix.uncommitted()).isTrue();
      } finally {
        ix.abandon(); // a crash: the second sync was never committed
      }
      UserIndex again = UserIndex.open(USER, index);
      try {
        MailboxInfo now = a.mailbox("INBOX").orElseThrow();
        assertThat(body(again, now, uid, "wombat")).as("committed before the crash").isTrue();
        assertThat(body(again, now, later, "koala")).as("lost with the crash: read the message").isNull();
        assertThat(again.behind(a)).isNotEmpty();
        assertThat(again.sync(a, BUDGET, () -> false, null)).as("redone").isEqualTo(1);
        assertThat(body(again, now, later, "koala")).isTrue();
        assertThat(body(again, now, uid, "koala")).isFalse();
      } finally {
        again.close(); // commits
      }
      assertThat(committedMailboxes(index)).isEqualTo(a.mailboxes().size());
      UserIndex third = UserIndex.open(USER, index);
      try {
        assertThat(third.behind(a)).as("close committed").isEmpty();
      } finally {
        third.close();
      }
    }
  }
}
