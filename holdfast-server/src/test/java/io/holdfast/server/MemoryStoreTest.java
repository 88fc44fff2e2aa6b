package io.holdfast.server;

import java.time.Duration;

/** The store semantics on the in-memory store behind `holdfast server` without --redis. */
class MemoryStoreTest extends LockStoreContract {
  private final MemoryStore store = new MemoryStore(Duration.ofSeconds(60));

  @Override
  LockStore store() {
    return store;
  }
}
