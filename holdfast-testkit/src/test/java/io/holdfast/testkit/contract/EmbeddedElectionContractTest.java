package io.holdfast.testkit.contract;

import io.holdfast.HoldfastOptions;

/** The election contract against the embedded (in-process) backend. */
class EmbeddedElectionContractTest extends ElectionContractTest {
  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend("embedded:election-contract");
  }
}
