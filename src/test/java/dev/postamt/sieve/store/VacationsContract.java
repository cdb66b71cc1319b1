package dev.postamt.sieve.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What every {@link Vacations} backend must do; a backend's test gives a fresh, empty store. */
interface VacationsContract {
  Vacations fresh() throws Exception;

  @Test
  default void aUserWithoutAVacationIsOff() throws Exception {
    try (Vacations v = fresh()) {
      assertThat(v.get("nobody@example.test")).isEqualTo(Vacations.Vacation.OFF);
    }
  }

  @Test
  default void aVacationIsStoredWithEveryFieldAndReplacedWhole() throws Exception {
    try (Vacations v = fresh()) {
      Vacations.Vacation away = new Vacations.Vacation(true, Instant.parse("2026-12-20T00:00:00Z"),
          Instant.parse("2027-01-06T00:00:00Z"), "Away", "Back in January.", "<p>Back in January.</p>");
      v.set("Alice@Example.Test", away);
      assertThat(v.get("alice@example.test")).isEqualTo(away);
      Vacations.Vacation plain = new Vacations.Vacation(true, null, null, null, "Away.", null);
      v.set("alice@example.test", plain);
      assertThat(v.get("ALICE@example.test")).isEqualTo(plain);
      v.set("alice@example.test", Vacations.Vacation.OFF);
      assertThat(v.get("alice@example.test").enabled()).isFalse();
    }
  }
}
