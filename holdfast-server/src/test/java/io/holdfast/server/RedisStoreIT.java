package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

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
  void scriptCacheFlushed_nextCall_reloadsScriptAndSucceeds() {
    SessionRef session = open(Duration.ofSeconds(10), Duration.ZERO);
    redis.server().command("SCRIPT", "FLUSH");
    assertThat(acquire(session, freshLock(), "o").token()).isPositive();
  }
}
