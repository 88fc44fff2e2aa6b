package io.holdfast.fence;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JdbcFenceTest {

  @Test
  void of_plainAndQualifiedNames_accepted() {
    assertThatCode(() -> JdbcFence.of("shop.orders", "order_id", "fence$token")).doesNotThrowAnyException();
  }

  @Test
  void of_namesThatAreNotPlainIdentifiers_refused() {
    for (String bad : List.of("", "orders; DROP TABLE x", "\"orders\"", "1orders", "a.b.c", "or ders")) {
      assertThatThrownBy(() -> JdbcFence.of(bad, "id", "fence")).as(bad)
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not a plain SQL identifier");
    }
  }
}
