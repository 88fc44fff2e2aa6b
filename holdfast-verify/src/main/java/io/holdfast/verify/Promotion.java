package io.holdfast.verify;

import io.holdfast.testkit.redis.RedisServer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/*
 * A replica's promotion after a master was killed, and when it was seen (System.nanoTime). Watched on its own
 * daemon thread from the kill on, so the time seen does not depend on how long the fault scheduler holds the fault
 * before healing it; the heal joins the watch. A watch that times out completes exceptionally, and the heal then
 * fails with its message, as a heal that polled itself would.
 */
record Promotion(RedisServer master, long at) {

  Promotion {
    java.util.Objects.requireNonNull(master, "master");
  }

  static CompletableFuture<Promotion> watch(Supplier<RedisServer> awaitPromotion) {
    return CompletableFuture.supplyAsync(() -> new Promotion(awaitPromotion.get(), System.nanoTime()), task -> {
      Thread thread = new Thread(task, "verify-failover-watch");
      thread.setDaemon(true);
      thread.start();
    });
  }
}
