package io.holdfast.server;

import static io.holdfast.server.RedisCalls.SCRIPTS;

import io.holdfast.server.QuorumMasters.Answer;
import io.holdfast.server.StoreViews.Housekeeping;
import io.holdfast.server.StoreViews.LockPage;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/*
 * Inspect, admin views and housekeeping over independent masters. Why they are not silently wrong: a lock is
 * reported held only when a majority holds the same grant (owner and token), free when the masters that answered
 * are a majority and no grant has one, and UNAVAILABLE otherwise; listings take the UNION of every master's index
 * (an acquire touches the index on every master it reaches, so a lock held on a majority is in at least one
 * answering index) and then check each entry with that majority rule. Waiters are the one best-effort view: each
 * master lists the waiters whose attempts reached it, and the union is reported (docs/server.md says so).
 * Housekeeping counts expiries on the FIRST master only, so each is counted once across instances while that
 * master is up. Stateless.
 */
final class QuorumViews {
  private static final int SCAN_FACTOR = 10;

  private final QuorumMasters masters;

  QuorumViews(QuorumMasters masters) {
    this.masters = masters;
  }

  /** The inspect reply of the grant a majority holds (shortest remaining), or empty. */
  CompletableFuture<Optional<List<Object>>> inspect(String fullName) {
    String what = "inspect of lock '" + fullName + "'";
    return masters.all(m -> m.inspect(fullName))
        .thenApply(answers -> {
          Map<String, List<List<Object>>> grants = new HashMap<>();
          for (Answer answer : answers) {
            if (answer.ok() && !answer.reply().isEmpty()) {
              grants.computeIfAbsent(Replies.str(answer.reply(), 0) + " " + Replies.num(answer.reply(), 1),
                  k -> new ArrayList<>()).add(answer.reply());
            }
          }
          for (List<List<Object>> grant : grants.values()) {
            if (grant.size() >= masters.majority()) {
              return Optional.of(grant.stream().min(Comparator.comparingLong(r -> Replies.num(r, 3))).orElseThrow());
            }
          }
          if (answers.stream().filter(Answer::ok).count() < masters.majority()) {
            throw masters.noMajority(answers, what);
          }
          return Optional.empty();
        });
  }

  CompletableFuture<LockPage> listLocks(String tenant, String prefix, String after, int limit) {
    String low = tenant + "/" + prefix;
    Range<String> range = LockPages.range(low, after.isEmpty() ? "" : tenant + "/" + after);
    return union(m -> m.keys().lockIndex(), range, limit, "listing locks").thenCompose(listed -> {
      List<CompletableFuture<LockPages.Examined>> views = new ArrayList<>();
      for (String member : listed.members()) {
        views.add(inspect(member).thenApply(reply -> new LockPages.Examined(member, reply.map(r ->
            Replies.lockView(member.substring(tenant.length() + 1), r, 0)))));
      }
      return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).thenApply(done -> LockPages.page(
          tenant, views.stream().map(CompletableFuture::join).toList(), listed.more(), limit));
    });
  }

  CompletableFuture<List<SessionView>> listSessions(String tenant, int limit) {
    String low = tenant + "/";
    return union(m -> m.keys().sessionIndex(), RedisViews.prefixRange(low), limit, "listing sessions")
        .thenCompose(listed -> sessionViews(listed.members(), low, limit));
  }

  /** Each listed session as a majority of masters sees it (the soonest expiry); gone ones are left out. */
  private CompletableFuture<List<SessionView>> sessionViews(List<String> members, String low, int limit) {
    List<CompletableFuture<Optional<SessionView>>> views = new ArrayList<>();
    for (String member : members) {
      String sid = member.substring(low.length());
      views.add(masters.all(m -> m.run(SCRIPTS.sessionView, "listing sessions", List.of(m.keys().session(sid),
          m.keys().sessionLocks(sid)), List.of())).thenApply(answers -> {
            List<List<Object>> found = answers.stream().filter(a -> a.ok() && !a.reply().isEmpty())
                .map(Answer::reply).toList();
            if (found.size() < masters.majority()) {
              return Optional.empty();
            }
            List<Object> r = found.stream().min(Comparator.comparingLong(x -> Replies.num(x, 2))).orElseThrow();
            return Optional.of(Replies.sessionView(sid, r));
          }));
    }
    return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).thenApply(done -> views.stream()
        .map(CompletableFuture::join).flatMap(Optional::stream).limit(limit).toList());
  }

  /**
   * The members every answering master's index agrees on so far: the union, cut at the lowest last member of a
   * master whose reply was full (beyond it that master was not read); {@code more}: some reply was full.
   */
  private record Listed(List<String> members, boolean more) { }

  private CompletableFuture<Listed> union(Function<RedisCalls, String> index, Range<String> range, int limit,
      String what) {
    long bound = (long) limit * SCAN_FACTOR;
    return masters.all(m -> m.mapped(m.link().async().zrangebylex(index.apply(m), range,
        Limit.create(0, bound)).toCompletableFuture(), what).thenApply(List::<Object>copyOf))
        .thenApply(answers -> {
          if (answers.stream().filter(Answer::ok).count() < masters.majority()) {
            throw masters.noMajority(answers, what);
          }
          TreeSet<String> members = new TreeSet<>();
          String frontier = null;
          for (Answer answer : answers.stream().filter(Answer::ok).toList()) {
            answer.reply().forEach(m -> members.add(String.valueOf(m)));
            if (answer.reply().size() == bound) {
              String last = String.valueOf(answer.reply().get(answer.reply().size() - 1));
              frontier = frontier == null || last.compareTo(frontier) < 0 ? last : frontier;
            }
          }
          return new Listed(new ArrayList<>(frontier == null ? members : members.headSet(frontier, true)),
              frontier != null);
        });
  }

  /** Best effort: the union of every answering master's waiters, longest remaining wins. */
  CompletableFuture<List<WaiterView>> listWaiters(LockKey lock) {
    String what = "listing waiters of lock '" + lock.name() + "'";
    return masters.all(m -> m.run(SCRIPTS.lockWaiters, what, List.of(m.keys().waiters(lock)), List.of()))
        .thenCompose(answers -> {
          if (answers.stream().filter(Answer::ok).count() < masters.majority()) {
            throw masters.noMajority(answers, what);
          }
          Map<String, Long> remaining = new LinkedHashMap<>();
          answers.stream().filter(Answer::ok).forEach(a -> {
            for (int i = 0; i + 2 < a.reply().size(); i += 3) {
              remaining.merge(Replies.str(a.reply(), i) + " " + Replies.str(a.reply(), i + 1),
                  Replies.num(a.reply(), i + 2), Math::max);
            }
          });
          List<CompletableFuture<WaiterView>> views = new ArrayList<>();
          RedisCalls first = masters.first();
          remaining.forEach((member, ms) -> {
            String[] parts = member.split(" ", 2);
            views.add(first.mapped(first.link().async().hget(first.keys().session(parts[0]), "n")
                .toCompletableFuture(), what).exceptionally(e -> "").thenApply(name ->
                    new WaiterView(parts[0], parts[1], name == null ? "" : name, Duration.ofMillis(ms))));
          });
          return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).thenApply(done -> views.stream()
              .map(CompletableFuture::join).sorted(Comparator.comparing(WaiterView::remaining)).toList());
        });
  }

  CompletableFuture<Housekeeping> housekeeping() {
    RedisCalls first = masters.first();
    CompletableFuture<List<Object>> counts = first.run(SCRIPTS.sessionExpiries, "housekeeping",
        List.of(first.keys().sessionExpiries()), List.of());
    CompletableFuture<Long> indexed = first.mapped(first.link().async().zcard(first.keys().lockIndex())
        .toCompletableFuture(), "housekeeping");
    return counts.thenCombine(indexed, (c, size) -> new Housekeeping(Replies.num(c, 0), Replies.num(c, 1), size));
  }
}
