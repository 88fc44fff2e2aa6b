package io.holdfast.testkit.contract;

import io.holdfast.HoldfastOptions;

/** The whole lock contract against the embedded (in-process) backend. */
class EmbeddedLockContractTest extends LockConcurrencyContractTest {
  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend("embedded:contract");
  }
}
