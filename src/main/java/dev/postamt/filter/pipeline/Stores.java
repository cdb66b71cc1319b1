package dev.postamt.filter.pipeline;

import dev.postamt.config.Config;
import dev.postamt.filter.bayes.Bayes;
import dev.postamt.filter.bayes.Training;
import dev.postamt.filter.checksum.Checksums;
import dev.postamt.filter.lists.SpamLists;
import java.io.IOException;

/**
 * The databases of the content scan: Bayes tokens ({@code bayes.db}), checksums of known spam ({@code
 * checksums.db}) and the per-user white- and blacklists ({@code spamlists.db}), or their tables in
 * PostgreSQL when {@code [database] url} is set, shared by every node. The server opens them
 * once and every scanner it makes (one per config, anew at each reload) shares them, as does the
 * learning from IMAP moves ({@link #training}). Their settings ({@code bayes_min_learned},
 * {@code autolearn_*}, {@code bayes_per_user}, {@code checksums}) are those of the config they were
 * opened with: they change at the next restart.
 */
public final class Stores implements AutoCloseable {
  private final Training training;
  private final SpamLists lists;

  private Stores(Training training, SpamLists lists) {
    this.training = training;
    this.lists = lists;
  }

  /** Opens the three databases the config names; a database that cannot be opened is an IOException. */
  public static Stores open(Config config) throws IOException {
    Bayes bayes = Bayes.open(config);
    Checksums sums = null;
    try {
      sums = Checksums.open(config);
      return new Stores(new Training(bayes, sums, config.spam().bayesPerUser()), SpamLists.open(config));
    } catch (IOException | RuntimeException e) {
      bayes.close();
      if (sums != null) {
        sums.close();
      }
      throw e;
    }
  }

  /** Bayes and checksums, for learning (IMAP moves, autolearn) and for their checks. */
  public Training training() {
    return training;
  }

  public SpamLists lists() {
    return lists;
  }

  @Override
  public void close() {
    training.close();
    lists.close();
  }
}
