package io.holdfast.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.server.LockPages.Examined;
import io.holdfast.server.StoreViews.LockPage;
import io.holdfast.server.StoreViews.LockView;
import io.lettuce.core.Range;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one cursor rule of the sorted-index listings: where a page ends and where the next one starts. */
class LockPagesTest {
  private static Examined held(String name) {
    return new Examined("t/" + name, Optional.of(new LockView(name, false, "o", 1, 1, Duration.ofSeconds(1), "s", 0,
        "c")));
  }

  private static Examined free(String name) {
    return new Examined("t/" + name, Optional.empty());
  }

  @Test
  void page_fullBeforeTheEnd_nextIsTheLastLockListed() {
    LockPage page = LockPages.page("t", List.of(held("a"), free("b"), held("c"), held("d")), false, 2);
    assertThat(page.locks()).extracting(LockView::name).containsExactly("a", "c");
    assertThat(page.next()).isEqualTo("c");
  }

  @Test
  void page_fullOnTheLastEntryOfTheIndex_isTheLastPage() {
    assertThat(LockPages.page("t", List.of(held("a"), held("b")), false, 2).next()).isEmpty();
    assertThat(LockPages.page("t", List.of(held("a"), held("b")), true, 2).next()).isEqualTo("b");
  }

  @Test
  void page_budgetSpentOnFreeEntries_emptyPageStillMovesOn() {
    assertThat(LockPages.page("t", List.of(free("a"), free("b")), true, 2)).isEqualTo(new LockPage(List.of(), "b"));
    assertThat(LockPages.page("t", List.of(free("a")), false, 2)).isEqualTo(new LockPage(List.of(), ""));
    assertThat(LockPages.page("t", List.of(), false, 2)).isEqualTo(new LockPage(List.of(), ""));
  }

  @Test
  void range_cursorInsideThePrefix_startsStrictlyAfterIt() {
    Range<String> after = LockPages.range("t/p/", "t/p/m");
    assertThat(after.getLower()).isEqualTo(Range.Boundary.excluding("t/p/m"));
    assertThat(after.getUpper()).isEqualTo(RedisViews.prefixRange("t/p/").getUpper());
    assertThat(LockPages.range("t/p/", "t/a")).isEqualTo(RedisViews.prefixRange("t/p/"));
    assertThat(LockPages.range("t/p/", "")).isEqualTo(RedisViews.prefixRange("t/p/"));
  }
}
