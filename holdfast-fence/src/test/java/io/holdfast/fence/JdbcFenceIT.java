package io.holdfast.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.InvalidArgumentException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JdbcFence on a real PostgreSQL server (see TestPostgres for which one). */
class JdbcFenceIT {
  private static final JdbcFence ORDERS = JdbcFence.of("orders", "id", "fence");

  private static TestPostgres postgres;
  private static Holdfast locks;

  @BeforeAll
  static void start() {
    postgres = TestPostgres.start();
    locks = Holdfast.connect("embedded:fence-it");
  }

  @AfterAll
  static void stop() throws Exception {
    locks.close();
    postgres.close();
  }

  @BeforeEach
  void table() throws SQLException {
    try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS orders");
      s.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, status TEXT NOT NULL, fence BIGINT NOT NULL)");
    }
  }

  @Test
  void write_pausedHolderWritesAfterNewerHolder_refusedWithNewerTokenAndRowKept() throws SQLException {
    try (PausedHolder run = PausedHolder.replay(locks, "orders/42"); Connection c = postgres.connect()) {
      FencingToken newer = run.newer().fencingToken();
      assertThat(ORDERS.write(c, newer, 42L, Map.of("status", "shipped"))).isEqualTo(
          new FenceVerdict(true, newer, "1"));

      FenceVerdict late = ORDERS.write(c, run.stale(), 42L, Map.of("status", "cancelled"));

      assertThat(late).isEqualTo(new FenceVerdict(false, newer, ""));
      assertThat(row(c, 42)).isEqualTo("shipped@" + newer);
    }
  }

  @Test
  void update_pausedHolderInsideTransaction_refusedAndTransactionUsable() throws SQLException {
    try (PausedHolder run = PausedHolder.replay(locks, "orders/7"); Connection c = postgres.connect()) {
      insertRow(c, 7, "new", 1);
      FencingToken newer = run.newer().fencingToken();
      ORDERS.update(c, newer, 7L, Map.of("status", "paid"));
      c.setAutoCommit(false);

      assertThat(ORDERS.update(c, run.stale(), 7L, Map.of("status", "refunded")).applied()).isFalse();
      c.commit();
      assertThat(row(c, 7)).isEqualTo("paid@" + newer);
    }
  }

  @Test
  void write_noRow_insertsWithToken() throws SQLException {
    try (Connection c = postgres.connect()) {
      assertThat(ORDERS.write(c, new FencingToken(5), 1L, Map.of("status", "new")).applied()).isTrue();
      assertThat(row(c, 1)).isEqualTo("new@5");
    }
  }

  @Test
  void write_equalToken_applied() throws SQLException {
    try (Connection c = postgres.connect()) {
      ORDERS.write(c, new FencingToken(5), 1L, Map.of("status", "new"));
      assertThat(ORDERS.write(c, new FencingToken(5), 1L, Map.of("status", "again")).applied()).isTrue();
      assertThat(row(c, 1)).isEqualTo("again@5");
    }
  }

  @Test
  void write_insertRaceInTransaction_loserFallsBackToFencedUpdateAndTransactionSurvives() throws Exception {
    try (Connection winner = postgres.connect(); Connection loser = postgres.connect()) {
      winner.setAutoCommit(false);
      loser.setAutoCommit(false);
      ORDERS.write(winner, new FencingToken(9), 3L, Map.of("status", "winner"));
      // The loser's insert waits on the winner's uncommitted row, then fails with a unique violation.
      CompletableFuture<FenceVerdict> late = CompletableFuture.supplyAsync(
          () -> ORDERS.write(loser, new FencingToken(8), 3L, Map.of("status", "loser")));
      Awaitility.await("the loser's insert waiting on the winner's row").atMost(Duration.ofSeconds(30))
          .until(() -> blockedOnLocks() > 0);
      winner.commit();

      assertThat(late.get()).isEqualTo(new FenceVerdict(false, new FencingToken(9), ""));
      loser.commit(); // still usable: the failed insert was rolled back to its savepoint
      assertThat(row(loser, 3)).isEqualTo("winner@9");
    }
  }

  @Test
  void write_manyWritersAtOnce_rowEndsWithHighestTokenAndRefusalsNameAHigherOne() throws Exception {
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<FenceVerdict>> verdicts = new ArrayList<>();
    try {
      for (int i = 1; i <= writers; i++) {
        long token = i;
        verdicts.add(CompletableFuture.supplyAsync(() -> {
          try (Connection c = postgres.connect()) {
            go.await();
            return ORDERS.write(c, new FencingToken(token), 9L, Map.of("status", "by " + token));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      go.countDown();
      CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new)).get();
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = postgres.connect()) {
      assertThat(row(c, 9)).isEqualTo("by 8@8");
    }
    assertThat(verdicts.get(writers - 1).get().applied()).isTrue();
    for (CompletableFuture<FenceVerdict> verdict : verdicts) {
      FenceVerdict v = verdict.get();
      if (!v.applied()) {
        assertThat(v.highest().value()).isBetween(2L, (long) writers);
        assertThat(verdicts.indexOf(verdict) + 1L).isLessThan(v.highest().value());
      }
    }
  }

  @Test
  void update_noRow_refusedAsInvalid() throws SQLException {
    try (Connection c = postgres.connect()) {
      assertThatThrownBy(() -> ORDERS.update(c, new FencingToken(1), 404L, Map.of("status", "x")))
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no row 404 in orders");
    }
  }

  private static long blockedOnLocks() throws SQLException {
    try (Connection c = postgres.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void insertRow(Connection c, long id, String status, long fence) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
      insert.setLong(1, id);
      insert.setString(2, status);
      insert.setLong(3, fence);
      insert.executeUpdate();
    }
  }

  private static String row(Connection c, long id) throws SQLException {
    try (PreparedStatement select = c.prepareStatement("SELECT status, fence FROM orders WHERE id = ?")) {
      select.setLong(1, id);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getString(1) + "@" + rs.getLong(2) : "absent";
      }
    }
  }
}
