package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.Lease;
import io.holdfast.server.StoreViews.Busy;
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
    SessionRef session = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = freshLock();
    try (Holdfast library = Holdfast.connect(redis.uri())) {
      Lease viaLibrary = library.acquire(AcquireRequest.of(lock.fullName(), Duration.ofSeconds(10)));
      assertThat(join(store.acquire(session, lock, "svc", Duration.ZERO, 1, Duration.ZERO)))
          .as("the service sees the library's grant").isInstanceOf(Busy.class);
      viaLibrary.release();
      Granted viaService = acquire(session, lock, "svc");
      assertThat(viaService.token()).isGreaterThan(viaLibrary.fencingToken().value());
      assertThat(library.tryAcquire(lock.fullName(), Duration.ofSeconds(5), Duration.ZERO))
          .as("the library sees the service's grant").isEmpty();
      join(store.release(session, lock, "svc", viaService.token(), 2));
      Lease again = library.acquire(AcquireRequest.of(lock.fullName(), Duration.ofSeconds(10)));
      assertThat(again.fencingToken().value()).isGreaterThan(viaService.token());
      again.release();
    }
  }

  @Test
  void scriptCacheFlushed_nextCall_reloadsScriptAndSucceeds() {
    SessionRef session = open(Duration.ofSeconds(10), Duration.ZERO);
    redis.server().command("SCRIPT", "FLUSH");
    assertThat(acquire(session, freshLock(), "o").token()).isPositive();
  }
}
