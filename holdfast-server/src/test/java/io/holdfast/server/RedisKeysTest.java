package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Key names: every key of one script shares a hash slot, and lock keys and fences are the library's. */
class RedisKeysTest {
  private final RedisKeys single = new RedisKeys("holdfast", false);
  private final RedisKeys cluster = new RedisKeys("holdfast", true);
  private final LockKey lock = new LockKey("acme", "orders/42");

  @Test
  void lockScriptKeys_onCluster_shareTheLocksSlot() {
    int slot = SlotHash.getSlot(cluster.lock(lock));
    String name = lock.fullName();
    for (String key : List.of(cluster.lockSpace().fenceKey(name), cluster.waiters(lock),
        cluster.lockSpace().releaseChannel(name))) {
      assertThat(SlotHash.getSlot(key)).as(key).isEqualTo(slot);
    }
    assertThat(cluster.lockSpace().fenceKey(name)).startsWith("holdfast:{").endsWith("}:fence");
  }

  @Test
  void fence_singleServer_isTheLibrarysOneCounter() {
    assertThat(single.lockSpace().fenceKey(lock.fullName())).isEqualTo("holdfast:fence");
    assertThat(single.lock(lock)).isEqualTo("holdfast:{acme/orders/42}");
  }

  @Test
  void sessionAndIndexKeys_shareSlotPerScript() {
    assertThat(SlotHash.getSlot(single.sessionLocks("abc"))).isEqualTo(SlotHash.getSlot(single.session("abc")));
    assertThat(SlotHash.getSlot(single.lockIndexGenerations())).isEqualTo(SlotHash.getSlot(single.lockIndex()));
    assertThat(SlotHash.getSlot(single.sessionExpiries())).isEqualTo(SlotHash.getSlot(single.sessionIndex()));
  }

  @Test
  void names_roundTripFromKeysAndChannels() {
    assertThat(single.fullNameOfLock(single.lock(lock))).isEqualTo("acme/orders/42");
    assertThat(single.fullNameOfChannel(single.lockSpace().releaseChannel(lock.fullName()))).isEqualTo("acme/orders/42");
    assertThat(single.fullNameOfChannel("holdfast:{x}:other")).isNull();
  }

  @Test
  void prefixRange_tenantPrefix_excludesNeighbourTenant() {
    var range = RedisViews.prefixRange("acme/");
    assertThat(range.getLower().getValue()).isEqualTo("acme/");
    assertThat(range.getUpper().getValue()).isEqualTo("acme0");
    assertThat(range.getUpper().isIncluding()).isFalse();
  }
}
