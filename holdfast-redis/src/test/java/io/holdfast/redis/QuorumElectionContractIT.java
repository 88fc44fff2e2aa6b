package io.holdfast.redis;

import io.holdfast.HoldfastOptions;
import io.holdfast.testkit.contract.ElectionContractTest;
import io.holdfast.testkit.redis.IndependentMasters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The election contract through the Holdfast client on three independent masters (redis-quorum://). */
class QuorumElectionContractIT extends ElectionContractTest {
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
    return HoldfastOptions.builder().backend(masters.uri()).clientName("holdfast-election-contract-quorum");
  }
}
