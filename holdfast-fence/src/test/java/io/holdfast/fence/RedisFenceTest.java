package io.holdfast.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.InvalidArgumentException;
import io.lettuce.core.cluster.SlotHash;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RedisFenceTest {

  @Test
  void fenceKeyOf_untaggedKey_wrapsWholeKeyAsTag() {
    assertThat(RedisFence.fenceKeyOf("orders:42")).isEqualTo("holdfast-fence:{orders:42}");
  }

  @Test
  void fenceKeyOf_taggedKey_keepsTheTag() {
    assertThat(RedisFence.fenceKeyOf("order:{42}:lines")).isEqualTo("holdfast-fence:order:{42}:lines");
  }

  @Test
  void fenceKeyOf_keysWithBraces_sameSlotAsTheKey() {
    for (String key : List.of("a{b", "{", "a{b}c", "{{a}}", "{a}}", "plain")) {
      assertThat(SlotHash.getSlot(RedisFence.fenceKeyOf(key))).as(key).isEqualTo(SlotHash.getSlot(key));
    }
  }

  @Test
  void fenceKeyOf_randomKeysOverBraceAlphabet_sameSlotOrRefused() {
    Random random = new Random(42);
    String alphabet = "ab{}:";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder key = new StringBuilder();
      for (int n = 1 + random.nextInt(8); n > 0; n--) {
        key.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String candidate = key.toString();
      try {
        assertThat(SlotHash.getSlot(RedisFence.fenceKeyOf(candidate))).as(candidate)
            .isEqualTo(SlotHash.getSlot(candidate));
      } catch (InvalidArgumentException refused) {
        assertThat(candidate).contains("}");
      }
    }
  }

  @Test
  void fenceKeyOf_closingBraceWithoutTag_refused() {
    for (String key : List.of("a}b", "{}x", "{}x{y}", "x{}")) {
      assertThatThrownBy(() -> RedisFence.fenceKeyOf(key)).as(key).isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("give the key a hash tag");
    }
  }

  @Test
  void fenceKeyOf_emptyKey_refused() {
    assertThatThrownBy(() -> RedisFence.fenceKeyOf("")).isInstanceOf(InvalidArgumentException.class);
  }
}
