package io.holdfast.testkit.contract;

import io.holdfast.HoldfastOptions;

/** The fair-lock contract against the embedded (in-process) backend. */
class EmbeddedFairLockContractTest extends FairLockContractTest {
  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend("embedded:fair-contract");
  }
}
