package io.holdfast.testkit.contract;

import io.holdfast.HoldfastOptions;

/** The semaphore contract against the embedded (in-process) backend. */
class EmbeddedSemaphoreContractTest extends SemaphoreContractTest {
  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend("embedded:contract-semaphore");
  }
}
