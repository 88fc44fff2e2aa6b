package io.holdfast.fence;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.holdfast.FencingToken;
import io.holdfast.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcFenceTest {

  @Test
  void of_plainAndQualifiedNames_accepted() {
    assertThatCode(() -> JdbcFence.of("shop.orders", "order_id", "fence$token")).doesNotThrowAnyException();
  }

  @Test
  void write_valuesNamingTheFenceOrIdColumn_refusedBeforeAnySql() {
    JdbcFence orders = JdbcFence.of("orders", "id", "fence");
    for (String column : List.of("fence", "ID")) {
      // A null connection: the check must come before the guard touches it.
      assertThatThrownBy(() -> orders.write(null, new FencingToken(1), 1L, Map.of(column, 5L))).as(column)
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("is the guard's own");
    }
  }

  @Test
  void of_namesThatAreNotPlainIdentifiers_refused() {
    for (String bad : List.of("", "orders; DROP TABLE x", "\"orders\"", "1orders", "a.b.c", "or ders")) {
      assertThatThrownBy(() -> JdbcFence.of(bad, "id", "fence")).as(bad)
          .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("not a plain SQL identifier");
    }
  }
}
