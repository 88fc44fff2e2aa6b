package io.holdfast.server;

import io.holdfast.server.StoreViews.LockPage;
import io.holdfast.server.StoreViews.LockView;
import io.lettuce.core.Range;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/*
 * The one cursor rule of the lock listings on a sorted index (RedisViews, QuorumViews): a page examines a bounded
 * run of index members after the cursor, in name order, and the next page starts after the last member this page
 * has accounted for. Why every lock held throughout a walk is listed exactly once: the index is sorted and each
 * page starts strictly after the last name the previous one covered, so no name is examined twice; a held lock is
 * always in the index (RedisViews says why), and a page never moves the cursor past a member it has not examined.
 * Stateless.
 */
final class LockPages {
  private LockPages() { }

  /** Index members from {@code low} (tenant/prefix) on, strictly after {@code afterFull} when that is in range. */
  static Range<String> range(String low, String afterFull) {
    Range<String> prefix = RedisViews.prefixRange(low);
    if (afterFull.isEmpty() || afterFull.compareTo(low) < 0) {
      return prefix;
    }
    return Range.from(Range.Boundary.excluding(afterFull), prefix.getUpper());
  }

  /**
   * The page of {@code examined} (full names in name order, each with its view if held), at most {@code limit}
   * locks; {@code more}: the index may hold members after the last one examined.
   */
  static LockPage page(String tenant, List<Examined> examined, boolean more, int limit) {
    List<LockView> locks = new ArrayList<>();
    for (int i = 0; i < examined.size(); i++) {
      Examined entry = examined.get(i);
      entry.view().ifPresent(locks::add);
      if (locks.size() == limit) {
        boolean last = i == examined.size() - 1 && !more;
        return new LockPage(locks, last ? "" : within(tenant, entry.fullName()));
      }
    }
    return new LockPage(locks, more && !examined.isEmpty()
        ? within(tenant, examined.get(examined.size() - 1).fullName()) : "");
  }

  /** One examined index member: its full name and, if held or lock-delayed, its view. */
  record Examined(String fullName, Optional<LockView> view) { }

  private static String within(String tenant, String fullName) {
    return fullName.substring(tenant.length() + 1);
  }
}
