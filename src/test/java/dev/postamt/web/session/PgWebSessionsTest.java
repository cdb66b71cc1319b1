package dev.postamt.web.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.postgres.PgDatabase;
import dev.postamt.testing.PgPools;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The web session contract on PostgreSQL, and a login made on one node valid on another. */
class PgWebSessionsTest implements WebSessionsContract {
  private final PgPools pools = new PgPools();

  @Override
  public WebSessions fresh(Clock clock) throws IOException {
    return new PgWebSessions(pools.fresh(), IDLE, MAX_AGE, clock);
  }

  @AfterEach
  void close() {
    pools.close();
  }

  @Test
  void aSessionMadeOnOneNodeIsValidOnAnother() throws IOException {
    PgDatabase db = pools.fresh();
    try (WebSessions nodeA = new PgWebSessions(db, IDLE, MAX_AGE); WebSessions nodeB = new PgWebSessions(db, IDLE, MAX_AGE)) {
      WebSessions.Session s = nodeA.create("alice@example.org");
      assertThat(nodeB.find(s.id())).isPresent();
      nodeB.delete(s.id());
      assertThat(nodeA.find(s.id())).isEmpty();
    }
  }
}
