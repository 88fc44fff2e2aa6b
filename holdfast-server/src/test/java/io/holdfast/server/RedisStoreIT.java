package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.StoreViews.Granted;
import io.holdfast.testkit.redis.RedisExtension;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store semantics on a real redis-server (each operation is one of the Lua scripts), plus library interop. */
class RedisStoreIT extends LockStoreContract {
  @RegisterExtension
  static RedisExtension redis = new RedisExtension();

  private static RedisStore store;

  @BeforeAll
  static void connect() {
    store = new RedisStore(RedisLink.open(URI.create(redis.uri()), Duration.ofSeconds(5), "test"), "holdfast",
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Override
  LockStore store() {
    return store;
  }

  @Test
  void libraryAndService_sameName_shareLockAndTokensNeverGoBack() {
    assertLibraryAndServiceShareLock(redis.uri());
  }

  @Test
  void acquireReleaseCycle_singleServer_costsTwoScripts() {
    SessionRef session = open(Duration.ofSeconds(30), Duration.ZERO);
    LockKey warm = freshLock();
    join(store.release(session, warm, "o", acquire(session, warm, "o").token(), 2)); // reads the session once
    redis.server().command("CONFIG", "RESETSTAT");

    int cycles = 10;
    for (int i = 0; i < cycles; i++) {
      LockKey lock = freshLock();
      Granted granted = (Granted) join(store.acquire(session, lock, "o", Duration.ofSeconds(10), 1, Duration.ZERO));
      join(store.release(session, lock, "o", granted.token(), 2));
    }

    // Every step of the service is a script (commands run inside scripts are counted under their own names).
    java.util.Map<String, String> stats = redis.server().info("commandstats");
    assertThat(stats.get("cmdstat_evalsha")).as("scripts of %d cycles", cycles)
        .startsWith("calls=" + (2 * cycles) + ",");
    assertThat(stats).as("no script was re-sent in full").doesNotContainKey("cmdstat_eval");
  }

  @Test
  void scriptCacheFlushed_nextCall_reloadsScriptAndSucceeds() {
    SessionRef session = open(Duration.ofSeconds(10), Duration.ZERO);
    redis.server().command("SCRIPT", "FLUSH");
    assertThat(acquire(session, freshLock(), "o").token()).isPositive();
  }
}
