package dev.postamt.sieve.store;

import dev.postamt.testing.PgPools;
import org.junit.jupiter.api.AfterEach;

/** The vacation contract on PostgreSQL. */
class PgVacationsTest implements VacationsContract {
  private final PgPools pools = new PgPools();

  @Override
  public Vacations fresh() throws Exception {
    return PgVacations.open(pools.fresh());
  }

  @AfterEach
  void close() {
    pools.close();
  }
}
