package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.policy.GreylistStore;
import dev.postamt.policy.SqliteGreylistStore;
import java.util.List;
import java.util.Optional;

/**
 * The greylist's triplets for the admin console: the most recently seen, and forgetting one (its next
 * attempt is greylisted afresh, and an entry that was stuck passes its delay again). Reads {@code
 * data_dir/greylist.db} on its own connection, beside the running server's; no file yet means no
 * entries.
 */
public final class GreylistAdmin {
  /** How many triplets a listing shows at most. */
  public static final int LIST_LIMIT = 500;

  private final Config config;

  GreylistAdmin(Config config) {
    this.config = config;
  }

  /** Whether {@code [greylist] enabled} is on in the config. */
  public boolean enabled() {
    return config.greylist().enabled();
  }

  /** The triplets last seen most recently, at most {@link #LIST_LIMIT}. */
  public List<GreylistStore.Triplet> list() {
    try {
      Optional<GreylistStore> store = GreylistStore.openReadOnly(config);
      if (store.isEmpty()) {
        return List.of();
      }
      try (GreylistStore s = store.get()) {
        return s.list(LIST_LIMIT);
      }
    } catch (GreylistStore.Failure e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  /** Forgets one triplet; returns the confirmation line. */
  public String remove(String triplet) {
    if (config.database().postgres().isEmpty()
        && !java.nio.file.Files.exists(config.dataDir().resolve(SqliteGreylistStore.FILE_NAME))) {
      throw new AdminException("greylist: no triplet " + triplet);
    }
    try (GreylistStore s = GreylistStore.open(config)) {
      if (!s.remove(triplet)) {
        throw new AdminException("greylist: no triplet " + triplet);
      }
      return "removed greylist triplet " + triplet;
    } catch (GreylistStore.Failure e) {
      throw new AdminException(e.getMessage(), e);
    }
  }
}
