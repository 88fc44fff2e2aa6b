package io.holdfast.testkit.contract;

import io.holdfast.HoldfastOptions;

/** The read/write lock contract against the embedded (in-process) backend. */
class EmbeddedReadWriteLockContractTest extends ReadWriteLockContractTest {
  @Override
  protected HoldfastOptions.Builder options() {
    return HoldfastOptions.builder().backend("embedded:contract-rw");
  }
}
