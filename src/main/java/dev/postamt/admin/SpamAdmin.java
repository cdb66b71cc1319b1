package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.filter.ScannedMessage;
import dev.postamt.filter.bayes.Bayes;
import dev.postamt.filter.bayes.BayesStore;
import dev.postamt.filter.bayes.Training;
import dev.postamt.filter.checksum.Checksums;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code postamt spam learn} and {@code postamt spam stats}: training the Bayes classifier and the
 * checksums of known spam on messages an administrator names ({@link MessageFiles}), and its figures.
 * The databases are opened for the call; a running server sees what was learned at its next scan.
 */
public final class SpamAdmin {
  private final Config config;

  SpamAdmin(Config config) {
    this.config = config;
  }

  /**
   * What a learn run did.
   *
   * @param outcomes how many messages had each outcome
   * @param skipped files that are not messages
   * @param database {@code global} or the user's address
   */
  public record LearnReport(Map<BayesStore.Outcome, Integer> outcomes, List<String> skipped, String database) {
    public int count(BayesStore.Outcome o) {
      return outcomes.getOrDefault(o, 0);
    }
  }

  /** A database's figures, and the number of checksums of known spam (global). */
  public record Stats(String database, BayesStore.Stats bayes, long checksums, boolean perUser) {}

  /**
   * Learns every message under {@code path} as spam or ham, or forgets it.
   *
   * @param user the user whose own database learns (null: the global one)
   */
  public LearnReport learn(Path path, Training.Mode mode, String user) {
    String who = user == null ? null : user(user);
    Map<BayesStore.Outcome, Integer> outcomes = new EnumMap<>(BayesStore.Outcome.class);
    try (Bayes bayes = Bayes.open(config); Checksums checksums = Checksums.open(config)) {
      Training training =
          new Training(bayes, config.spam().checksums() ? checksums : null, config.spam().bayesPerUser());
      MessageFiles.Walk walk = MessageFiles.walk(path, (origin, content) -> {
        ScannedMessage m = ScannedMessage.read(new ByteArrayInputStream(content), config.spam().maxSize());
        outcomes.merge(training.learn(m, mode, who, true), 1, Integer::sum);
      });
      if (walk.messages() == 0) {
        throw new AdminException("no messages found in " + path
            + (walk.skipped().isEmpty() ? "" : " (" + walk.skipped().size() + " files that are not messages)"));
      }
      return new LearnReport(outcomes, walk.skipped(), who == null ? "global" : who);
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** The figures of the global database, or of {@code user}'s own. */
  public Stats stats(String user) {
    String who = user == null ? null : user(user);
    try (Bayes bayes = Bayes.open(config); Checksums checksums = Checksums.open(config)) {
      return new Stats(who == null ? "global" : who, bayes.stats(who), checksums.store().count(),
          config.spam().bayesPerUser());
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  private static String user(String address) {
    String a = Admin.address(address);
    if (a.indexOf('@') <= 0 || a.endsWith("@")) {
      throw new AdminException("--user wants an address like a@example.org, not \"" + address + "\"");
    }
    return a;
  }
}
