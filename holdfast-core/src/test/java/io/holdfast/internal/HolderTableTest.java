package io.holdfast.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.holdfast.internal.HolderTable.Busy;
import io.holdfast.internal.HolderTable.Granted;
import io.holdfast.internal.HolderTable.Outcome;
import io.holdfast.internal.HolderTable.Refused;
import io.holdfast.internal.HolderTable.Space;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HolderTableTest {
  private static final Duration TTL = Duration.ofMinutes(5);

  private final List<String> messages = new ArrayList<>();
  private final HolderTable table = new HolderTable((space, name) -> messages.add(space + " " + name));
  private long requests;

  @Test
  void release_readersLeaveOneByOne_messageOnlyWhenTheLastLeaves() {
    Granted a = (Granted) read("n", "a", true);
    Granted b = (Granted) read("n", "b", true);
    assertThat(table.release(Space.READ_WRITE, "n", HolderTable.reader("a"), "a", a.token(), ++requests)).isZero();
    assertThat(messages).isEmpty();
    assertThat(table.release(Space.READ_WRITE, "n", HolderTable.reader("b"), "b", b.token(), ++requests)).isZero();
    assertThat(messages).containsExactly("READ_WRITE n");
    assertThat(table.sweep()).isZero();
  }

  @Test
  void acquireWrite_readHolderAsks_refusedAndNothingChanged() {
    read("n", "a", true);
    assertThat(write("n", "a", Duration.ofSeconds(1))).isInstanceOf(Refused.class);
    assertThat(read("n", "b", true)).isInstanceOf(Granted.class); // no announcement was left behind
  }

  @Test
  void acquireRead_announcedWriter_busyWhenYieldingGrantedOtherwise() {
    read("n", "a", true);
    assertThat(write("n", "w", Duration.ofSeconds(30))).isInstanceOf(Busy.class);
    Outcome yielding = read("n", "b", true);
    assertThat(yielding).isInstanceOf(Busy.class);
    assertThat(((Busy) yielding).remaining()).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
    assertThat(read("n", "c", false)).isInstanceOf(Granted.class);
    assertThat(read("n", "a", true)).isInstanceOf(Granted.class); // a holder re-enters regardless
  }

  @Test
  void acquire_sameRequestIdTwice_holdCountedOnce() {
    long request = ++requests;
    Granted first = (Granted) table.acquirePermit("s", 1, "a", TTL, request);
    Granted again = (Granted) table.acquirePermit("s", 1, "a", TTL, request);
    assertThat(again).isEqualTo(first);
    assertThat(first.holds()).isEqualTo(1);
  }

  @Test
  void semaphore_randomOperations_neverMorePermitsThanAskedAndTokensIncrease() {
    Random random = new Random(12);
    Map<String, Long> held = new HashMap<>();
    long lastToken = 0;
    for (int step = 0; step < 5_000; step++) {
      String owner = "o" + random.nextInt(12);
      int permits = 1 + random.nextInt(5);
      if (held.containsKey(owner) && random.nextBoolean()) {
        assertThat(table.release(Space.SEMAPHORE, "s", HolderTable.permit(owner), owner, held.remove(owner),
            ++requests)).isZero();
        continue;
      }
      if (held.containsKey(owner)) {
        continue;
      }
      Outcome outcome = table.acquirePermit("s", permits, owner, TTL, ++requests);
      if (outcome instanceof Granted granted) {
        assertThat(held.size()).isLessThan(permits);
        assertThat(granted.token()).isGreaterThan(lastToken);
        lastToken = granted.token();
        held.put(owner, granted.token());
      } else {
        assertThat(held.size()).isGreaterThanOrEqualTo(permits);
      }
      assertThat(table.held(Space.SEMAPHORE, "s")).isEqualTo(held.size());
    }
  }

  @Test
  void readWrite_randomOperations_writerNeverBesideAnotherOwner() {
    Random random = new Random(7);
    Map<String, Long> readers = new HashMap<>();
    String[] writer = {null};
    long[] writerToken = {0};
    for (int step = 0; step < 5_000; step++) {
      String owner = "o" + random.nextInt(6);
      switch (random.nextInt(4)) {
        case 0 -> {
          Outcome outcome = read("n", owner, random.nextBoolean());
          if (outcome instanceof Granted granted && !readers.containsKey(owner)) {
            assertThat(writer[0] == null || writer[0].equals(owner)).isTrue();
            readers.put(owner, granted.token());
          } else if (outcome instanceof Granted) {
            table.release(Space.READ_WRITE, "n", HolderTable.reader(owner), owner, readers.get(owner), ++requests);
          }
        }
        case 1 -> {
          Outcome outcome = write("n", owner, Duration.ZERO);
          if (outcome instanceof Granted granted && writer[0] == null) {
            assertThat(readers).isEmpty();
            writer[0] = owner;
            writerToken[0] = granted.token();
          } else if (outcome instanceof Granted) {
            table.release(Space.READ_WRITE, "n", HolderTable.WRITER, owner, writerToken[0], ++requests);
          } else if (outcome instanceof Refused) {
            assertThat(readers).containsKey(owner);
          }
        }
        case 2 -> {
          if (readers.containsKey(owner)) {
            assertThat(table.release(Space.READ_WRITE, "n", HolderTable.reader(owner), owner, readers.remove(owner),
                ++requests)).isZero();
          }
        }
        default -> {
          if (owner.equals(writer[0])) {
            assertThat(table.release(Space.READ_WRITE, "n", HolderTable.WRITER, owner, writerToken[0], ++requests))
                .isZero();
            writer[0] = null;
          }
        }
      }
    }
  }

  private Outcome read(String name, String owner, boolean yield) {
    return table.acquireReadWrite(name, false, owner, TTL, ++requests, yield, Duration.ZERO);
  }

  private Outcome write(String name, String owner, Duration announce) {
    return table.acquireReadWrite(name, true, owner, TTL, ++requests, false, announce);
  }
}
