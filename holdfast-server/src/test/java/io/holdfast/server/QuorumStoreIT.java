package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.StoreViews.Granted;
import io.holdfast.testkit.redis.IndependentMasters;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store semantics on three independent masters (redis-quorum://): every step runs on every master and counts
 * what a majority says; plus interop with the library's quorum backend (same lock keys, same counters, tokens of
 * one name growing across both), and a grant surviving one master's loss.
 */
class QuorumStoreIT extends LockStoreContract {
  private static IndependentMasters masters;
  private static QuorumMasters quorum;
  private static QuorumStore store;

  @BeforeAll
  static void connect() {
    masters = IndependentMasters.start(3);
    quorum = QuorumMasters.open(URI.create(masters.uri()), Duration.ofSeconds(5), "holdfast", "test");
    store = new QuorumStore(quorum, Duration.ofSeconds(60));
  }

  @AfterAll
  static void close() {
    store.close();
    masters.close();
  }

  @Override
  LockStore store() {
    return store;
  }

  @Test
  void libraryAndService_sameNameOnQuorum_shareLockAndTokensNeverGoBack() {
    assertLibraryAndServiceShareLock(masters.uri());
  }

  @Test
  void oneMasterKilled_grantsContinueAndTokensKeepGrowing() {
    SessionRef session = open(Duration.ofSeconds(10), Duration.ZERO);
    LockKey lock = freshLock();
    Granted first = acquire(session, lock, "o");
    join(store.release(session, lock, "o", first.token(), 2));
    masters.master(0).kill();
    try {
      Granted second = (Granted) join(store.acquire(session, lock, "o", Duration.ZERO, 3, Duration.ZERO));
      assertThat(second.token()).isGreaterThan(first.token());
      assertThat(join(store.inspect(lock))).get().extracting(StoreViews.LockView::token).isEqualTo(second.token());
      join(store.release(session, lock, "o", second.token(), 4));
    } finally {
      masters.master(0).restart();
      // The store's link to the restarted master reconnects in the background (Lettuce rejects commands until
      // then); the tests after this one expect all three masters, so wait for it here.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(QuorumStoreIT::everyMasterAnswers);
    }
  }

  private static boolean everyMasterAnswers() {
    java.util.concurrent.atomic.AtomicBoolean all = new java.util.concurrent.atomic.AtomicBoolean(true);
    quorum.forEachLink(link -> {
      try {
        link.async().ping().toCompletableFuture().get(1, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception notYet) {
        all.set(false);
      }
    });
    return all.get();
  }
}
