package io.holdfast.redis;

import static io.holdfast.redis.RedisItSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.holdfast.AcquireRequest;
import io.holdfast.FencingToken;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import io.holdfast.LockName;
import io.holdfast.OwnerToken;
import io.holdfast.spi.AcquireOutcome;
import io.holdfast.spi.ReleaseSubscription;
import io.holdfast.spi.RenewRequest;
import io.holdfast.testkit.redis.ClusterTopology;
import io.holdfast.testkit.redis.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis Cluster specifics: per-slot fence counters, renewal per slot, both pub/sub modes, slot migration. */
@Timeout(120)
class ClusterBackendIT {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static ClusterTopology cluster;

  @BeforeAll
  static void start() {
    cluster = ClusterTopology.start();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static RedisLockBackend open(String query) {
    return RedisItSupport.open(cluster.uri() + query, Duration.ofSeconds(2));
  }

  @Test
  void fenceCounter_isPerSlot_onTheNodeOfTheLock() {
    try (RedisLockBackend backend = open("")) {
      LockName name = LockName.of("cluster/orders/42");
      FencingToken token = grant(backend, name).fencingToken();
      RedisServer node = cluster.masterOf(KeySpace.slotOf(name));
      String fenceKey = KeySpace.cluster("holdfast").fenceKey(name);
      assertThat(node.command("GET", fenceKey)).isEqualTo(Long.toString(token.value()));
      assertThat(node.command("HGET", "holdfast:{cluster/orders/42}", "t")).isEqualTo(Long.toString(token.value()));
    }
  }

  @Test
  void renew_batchOverManySlots_sendsOneEvalshaPerSlot() {
    try (RedisLockBackend backend = open("")) {
      OwnerToken owner = OwnerToken.random();
      List<RenewRequest> batch = new ArrayList<>();
      Set<Integer> slots = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        LockName name = LockName.of("cluster/batch/" + (i % 60) + "/" + i);
        AcquireOutcome.Granted granted = (AcquireOutcome.Granted) await(backend.tryAcquire(name, owner, TTL, i));
        batch.add(new RenewRequest(name, owner, granted.fencingToken(), TTL));
        slots.add(KeySpace.slotOf(name));
      }
      CallCounts.reset(cluster.nodes());
      assertThat(await(backend.renew(batch))).hasSize(100).containsOnly(true);
      long calls = CallCounts.calls(cluster.nodes(), "evalsha");
      org.slf4j.LoggerFactory.getLogger(getClass()).info(
          "Cluster renewal of 100 leases in {} slots took {} EVALSHA calls", slots.size(), calls);
      assertThat(calls).isEqualTo(slots.size());
    }
  }

  @Test
  void wakeups_withPublishFallback_reachTheSubscriber() throws Exception {
    try (RedisLockBackend backend = open("?shardedPubSub=false")) {
      assertThat(backend.shardedPubSub()).isFalse();
      assertThat(releaseWakesSubscriber(backend, LockName.of("cluster/fallback"))).isTrue();
    }
  }

  @Test
  void wakeups_withShardedPubSub_onRedis7_reachTheSubscriber() throws Exception {
    try (RedisLockBackend backend = open("")) {
      assumeThat(backend.shardedPubSub()).as("sharded pub/sub needs Redis 7+: " + backend.describe()).isTrue();
      assertThat(releaseWakesSubscriber(backend, LockName.of("cluster/sharded"))).isTrue();
    }
  }

  private static boolean releaseWakesSubscriber(RedisLockBackend backend, LockName name) throws Exception {
    CountDownLatch woken = new CountDownLatch(1);
    ReleaseSubscription subscription = await(backend.subscribe(name, woken::countDown));
    try {
      OwnerToken owner = OwnerToken.random();
      AcquireOutcome.Granted granted = grant(backend, name, owner);
      await(backend.release(name, owner, granted.fencingToken(), 7));
      return woken.await(5, TimeUnit.SECONDS);
    } finally {
      subscription.close();
    }
  }

  /**
   * A slot migrated while its lock is in use, there and back. Single-key calls (renew, release) follow ASK to the
   * target while the slot is half-moved; an acquire of a free lock touches two keys, one of them missing on the
   * target, which Redis refuses with TRYAGAIN until the migration ends, so it retries until then; afterwards
   * MOVED updates the client's slot map. The slot's fence counter moves with it, so tokens keep growing, and a
   * waiter subscribed before the migration is still woken by a release after it.
   */
  @Test
  void slotMigration_whileHeld_followsAskThenMoved_tokensKeepGrowing_waiterStillWoken() throws Exception {
    Duration recheck = Duration.ofSeconds(20);
    HoldfastOptions.Builder options = HoldfastOptions.builder().backend(cluster.uri()).recheckInterval(recheck);
    try (Holdfast client = Holdfast.connect(options.clientName("migration-holder").build());
        Holdfast waiter = Holdfast.connect(options.clientName("migration-waiter").build())) {
      String name = "cluster/migrating";
      int slot = KeySpace.slotOf(LockName.of(name));
      RedisServer source = cluster.masterOf(slot);
      RedisServer target = cluster.masters().stream().filter(m -> m != source).findFirst().orElseThrow();
      Lease first = client.acquire(name, TTL);
      CompletableFuture<Lease> waiting = waiter.acquireAsync(AcquireRequest.of(name, TTL));
      Thread.sleep(300);

      migrate(slot, target, first::renew);
      long released = System.nanoTime();
      first.release();
      Lease second = waiting.get(TTL.toSeconds(), TimeUnit.SECONDS);
      long wokenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);

      AtomicReference<CompletableFuture<Lease>> duringMigration = new AtomicReference<>();
      migrate(slot, source, () -> {
        second.release();
        duringMigration.set(client.acquireAsync(AcquireRequest.of(name, TTL))); // TRYAGAIN until it ends
      });
      Lease third = duringMigration.get().get(10, TimeUnit.SECONDS);

      // Without the release message the waiter would try again only at its 20 s re-check (the lease had 30 s).
      assertThat(wokenMillis).as("waiter woken by the release after the migration, not by its re-check")
          .isLessThan(recheck.toMillis());
      assertThat(cluster.masterOf(slot)).isSameAs(source);
      assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
      assertThat(third.fencingToken()).isGreaterThan(second.fencingToken());
      third.release();
    }
  }

  /** Moves a slot, keys first; runs {@code whileAsking} while the source answers ASK; then ends the move. */
  private static void migrate(int slot, RedisServer target, Runnable whileAsking) throws InterruptedException {
    cluster.beginMigration(slot, target);
    while (cluster.moveKeys(slot, target, 10) > 0) {
      // the lock and the slot's fence counter now live on the target; the source answers ASK
    }
    whileAsking.run();
    Thread.sleep(100);
    cluster.finishMigration(slot, target);
    Thread.sleep(300); // the source's SUNSUBSCRIBE and the topology refresh move sharded subscriptions
  }

  /** What the lock service gets: the same cluster set-up, and a per-slot key next to any hash tag. */
  @Test
  void redisDeployment_routesScriptsBySlot_andGivesPerSlotKeys() throws Exception {
    try (RedisDeployment deployment = RedisDeployment.connect(java.net.URI.create(cluster.uri()),
        Duration.ofSeconds(2), "service-it")) {
      assertThat(deployment.topology()).isEqualTo(RedisTopology.CLUSTER);
      assertThat(deployment.describe()).startsWith("redis-cluster://");
      String counter = "service:{" + RedisDeployment.slotTag("orders/7") + "}:counter";
      Object value = deployment.commands().eval("redis.call('SET', KEYS[1], 'x'); return redis.call('INCR', KEYS[2])",
          io.lettuce.core.ScriptOutputType.INTEGER, "service:{orders/7}:state", counter).get(5, TimeUnit.SECONDS);
      assertThat(value).isEqualTo(1L);
    }
    assertThatThrownBy(() -> RedisDeployment.connect(java.net.URI.create("redis-quorum://a:1,b:2,c:3"),
        Duration.ofSeconds(1), "service-it")).isInstanceOf(io.holdfast.InvalidArgumentException.class);
  }

  @Test
  void callsPerOperation_areOneScriptPerOperation() {
    try (Holdfast client = Holdfast.connect(HoldfastOptions.builder().backend(cluster.uri()).build())) {
      CallCounts.PerOperation calls = CallCounts.measure("Redis Cluster", client, cluster.nodes());
      assertThat(calls).isEqualTo(new CallCounts.PerOperation(1, 1, 1));
    }
  }

  private static AcquireOutcome.Granted grant(RedisLockBackend backend, LockName name) {
    return grant(backend, name, OwnerToken.random());
  }

  private static AcquireOutcome.Granted grant(RedisLockBackend backend, LockName name, OwnerToken owner) {
    return (AcquireOutcome.Granted) await(backend.tryAcquire(name, owner, TTL, RedisItSupport.nextRequestId()));
  }
}
