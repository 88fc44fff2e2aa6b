package io.holdfast.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** LockTable's fair mode: fairqueue.lua's rules in process (the same cases as FairQueueScriptIT on Redis). */
class LockTableFairTest {
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration KEEP = Duration.ofSeconds(30);

  private final List<String> handOffs = new CopyOnWriteArrayList<>();
  private final LockTable table = new LockTable((name, head) -> handOffs.add(name + "->" + head));

  private LockTable.Attempt fair(String owner, Duration keep) {
    return table.acquire("l", owner, TTL, owner.hashCode(), null, keep);
  }

  private long token(LockTable.Attempt attempt) {
    assertThat(attempt).isInstanceOf(LockTable.Granted.class);
    return ((LockTable.Granted) attempt).token();
  }

  @Test
  void acquire_fairLineOfTwo_grantedInArrivalOrderAndReleaseNamesTheHead() {
    long held = token(fair("holder", KEEP));
    assertThat(fair("a", KEEP)).isInstanceOf(LockTable.Busy.class);
    assertThat(fair("b", KEEP)).isInstanceOf(LockTable.Busy.class);
    assertThat(table.release("l", "holder", held, 1)).isZero();
    assertThat(handOffs).containsExactly("l->a");
    assertThat(fair("b", KEEP)).as("b is behind a").isInstanceOf(LockTable.Busy.class);
    assertThat(fair("newcomer", Duration.ZERO)).as("a single try passes nobody").isInstanceOf(LockTable.Busy.class);
    long a = token(fair("a", KEEP));
    assertThat(a).isGreaterThan(held);
    assertThat(table.release("l", "a", a, 2)).isZero();
    long b = token(fair("b", KEEP));
    assertThat(b).isGreaterThan(a);
    assertThat(table.release("l", "b", b, 3)).isZero();
    assertThat(handOffs).containsExactly("l->a", "l->b", "l->");
    assertThat(table.sweep()).as("no grant left").isZero();
    assertThat(table.lines()).as("no line left").isZero();
  }

  @Test
  void acquire_headStoppedAttempting_itsPlaceLapsesAfterItsKeep() {
    long held = token(fair("holder", KEEP));
    assertThat(fair("dead", Duration.ofMillis(20))).isInstanceOf(LockTable.Busy.class);
    assertThat(fair("next", KEEP)).isInstanceOf(LockTable.Busy.class);
    table.release("l", "holder", held, 1);
    LockTable.Attempt early = fair("next", KEEP);
    if (early instanceof LockTable.Busy busy) {
      assertThat(busy.remaining()).as("come back when the dead place lapses").isLessThanOrEqualTo(Duration.ofMillis(20));
    }
    LockSupport.parkNanos(Duration.ofMillis(30).toNanos());
    token(fair("next", KEEP));
  }

  @Test
  void force_fairGrantWithWaiter_namesTheHead() {
    long held = token(fair("holder", KEEP));
    assertThat(fair("a", KEEP)).isInstanceOf(LockTable.Busy.class);
    assertThat(table.force("l", held, "")).isEqualTo(held);
    assertThat(handOffs).containsExactly("l->a");
  }

  @Test
  void acquire_fairZeroKeepOnHeldLock_takesNoPlace() {
    long held = token(fair("holder", KEEP));
    assertThat(fair("tryOnce", Duration.ZERO)).isInstanceOf(LockTable.Busy.class);
    table.release("l", "holder", held, 1);
    assertThat(handOffs).containsExactly("l->");
    assertThat(table.lines()).isZero();
  }

  @Test
  void acquire_holderReentersWhileOthersWait_sameTokenPastTheLine() {
    long held = token(fair("holder", KEEP));
    assertThat(fair("a", KEEP)).isInstanceOf(LockTable.Busy.class);
    LockTable.Attempt again = table.acquire("l", "holder", TTL, 99, null, KEEP);
    assertThat(again).isEqualTo(new LockTable.Granted(held, 2));
  }
}
