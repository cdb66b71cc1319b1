package dev.postamt.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Database;
import dev.postamt.config.Search;
import dev.postamt.store.MailStore;
import dev.postamt.store.SqliteMailStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backend contract on the default backend: Lucene per user under {@code data_dir/search}, SQLite store. */
class LuceneSearchBackendTest implements SearchBackendContract {
  @TempDir Path dir;
  private MailStore served;

  @AfterEach
  void close() {
    if (served != null) {
      served.close();
    }
  }

  @Override
  public MailStore plainStore() {
    return new SqliteMailStore(dir);
  }

  @Override
  public MailStore serve(Search config) {
    served = SearchBackend.serve(new SqliteMailStore(dir), config, Database.sqlite());
    return served;
  }

  @Override
  public SearchBackend tool(MailStore plain) {
    return SearchBackend.forTool(plain, Search.defaults(), Database.sqlite());
  }

  @Test
  void sqliteKeepsLuceneAndSaysSoWhenAskedForLuceneByName() {
    Search lucene = new Search(true, 10, 1 << 20, 0, Search.Backend.LUCENE);
    try (MailStore plain = plainStore(); SearchBackend a = tool(plain);
        SearchBackend b = SearchBackend.forTool(plain, lucene, Database.sqlite())) {
      assertThat(a).isInstanceOf(SearchIndexes.class);
      assertThat(b).isInstanceOf(SearchIndexes.class);
    }
  }
}
