package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ReadWriteLockContractTest;
import io.holdfast.testkit.redis.IndependentMasters;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The read/write lock contract through the Holdfast client on three independent masters (redis-quorum://). */
class QuorumReadWriteLockContractIT extends ReadWriteLockContractTest {
  private static IndependentMasters masters;

  @BeforeAll
  static void start() {
    masters = IndependentMasters.start(3);
  }

  @AfterAll
  static void stop() {
    masters.close();
  }

  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend(masters.uri()).clientName("holdfast-contract-quorum");
  }

  /** Every key of the name on every master: the holder tables (and their slot index), announcements. */
  @Override
  protected long keysLeft(String name) {
    return masters.masters().stream().mapToLong(m -> ((List<?>) m.command("KEYS", "*{" + name + "}*")).size()).sum();
  }
}
