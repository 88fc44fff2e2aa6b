package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-instance session facts: never shared across tenants, never moved backwards. */
class SessionCacheTest {
  private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";

  @Test
  void get_sameIdOtherTenant_knowsNothing() {
    SessionCache cache = new SessionCache();
    cache.put(new SessionRef("acme", ID), new SessionCache.Known(1_000, 5, "a", "p"));
    assertThat(cache.get(new SessionRef("globex", ID))).isNull();
    assertThat(cache.get(new SessionRef("acme", ID))).isNotNull();
  }

  @Test
  void put_olderExpiryAfterNewer_keepsTheNewer() {
    SessionCache cache = new SessionCache();
    SessionRef session = new SessionRef("acme", ID);
    cache.put(session, new SessionCache.Known(2_000, 5, "a", "p"));
    cache.put(session, new SessionCache.Known(1_000, 5, "a", "p"));
    assertThat(cache.get(session).expiry()).isEqualTo(2_000);
  }

  @Test
  void forget_closedSession_isGone() {
    SessionCache cache = new SessionCache();
    SessionRef session = new SessionRef("acme", ID);
    cache.put(session, new SessionCache.Known(2_000, 5, "a", "p"));
    cache.forget(session);
    assertThat(cache.get(session)).isNull();
  }
}
