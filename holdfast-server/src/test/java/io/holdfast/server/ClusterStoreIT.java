package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.testkit.redis.ClusterTopology;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store semantics on a 3-master Redis Cluster: sessions, locks, waiters and the listing indexes land in
 * different slots and nodes, and every step still works; plus library interop through the per-slot fence counter.
 */
class ClusterStoreIT extends LockStoreContract {
  private static ClusterTopology cluster;
  private static RedisStore store;

  @BeforeAll
  static void connect() {
    cluster = ClusterTopology.start(3, 0, Duration.ofSeconds(2));
    store = new RedisStore(RedisLink.open(URI.create(cluster.uri()), Duration.ofSeconds(5), "test"), "holdfast",
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void close() {
    store.close();
    cluster.close();
  }

  @Override
  LockStore store() {
    return store;
  }

  @Test
  void libraryAndService_sameNameOnCluster_shareLockAndPerSlotTokensNeverGoBack() {
    assertLibraryAndServiceShareLock(cluster.uri());
  }
}
