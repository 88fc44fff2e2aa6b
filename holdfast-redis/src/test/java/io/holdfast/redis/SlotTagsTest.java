package io.holdfast.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.LockName;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-slot fence counters: one tag per slot, stable across versions, in the slot of the lock it serves. */
class SlotTagsTest {

  @Test
  void everySlot_hasATagHashingToIt() {
    Set<String> tags = new HashSet<>();
    for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
      String tag = SlotTags.tagFor(slot);
      assertThat(SlotHash.getSlot(tag)).isEqualTo(slot);
      tags.add(tag);
    }
    assertThat(tags).hasSize(SlotHash.SLOT_COUNT);
  }

  @Test
  void tags_areTheSmallestNumbersHashingToTheSlot_soEveryClientAgrees() {
    // Pinned values: changing the rule would make old and new clients use different counters for one slot.
    assertThat(SlotTags.tagFor(SlotHash.getSlot("0"))).isEqualTo("0");
    assertThat(SlotTags.tagFor(SlotHash.getSlot("1"))).isEqualTo("1");
    for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot += 997) {
      int n = Integer.parseInt(SlotTags.tagFor(slot));
      for (int smaller = 0; smaller < n; smaller++) {
        assertThat(SlotHash.getSlot(Integer.toString(smaller))).isNotEqualTo(slot);
      }
    }
  }

  @Test
  void clusterFenceKey_sharesTheLockKeysSlot_evenForNonAsciiNames() {
    KeySpace keys = KeySpace.cluster("holdfast");
    for (String name : new String[] {"orders/42", "Größe/ü", "x", "a-long-name-".repeat(20)}) {
      LockName lock = LockName.of(name);
      int lockSlot = SlotHash.getSlot(keys.lockKey(lock).getBytes(StandardCharsets.UTF_8));
      assertThat(SlotHash.getSlot(keys.fenceKey(lock).getBytes(StandardCharsets.UTF_8))).isEqualTo(lockSlot);
      assertThat(SlotHash.getSlot(keys.releaseChannel(lock).getBytes(StandardCharsets.UTF_8))).isEqualTo(lockSlot);
      assertThat(keys.fenceKey(lock)).matches("holdfast:\\{[0-9]+\\}:fence");
    }
  }
}
