package io.holdfast.server;

import static io.holdfast.server.RedisCalls.SCRIPTS;

import io.holdfast.server.StoreViews.Housekeeping;
import io.holdfast.server.StoreViews.LockPage;
import io.holdfast.server.StoreViews.LockView;
import io.holdfast.server.StoreViews.SessionView;
import io.holdfast.server.StoreViews.WaiterView;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/*
 * The admin views and housekeeping on Redis. Each view reads one listing index (a zset in its own slot) and then
 * each listed lock or session on its own slot, so a listing costs one call per entry examined (pipelined; on
 * Cluster spread over the nodes) instead of one script. Why the lock listing is never silently incomplete:
 * every acquire attempt touches the index in the same pipeline as the lock step, and a grant is reported only
 * when both succeeded; an entry is pruned only if its lock was found free AND its generation did not change
 * since it was read (index_prune.lua), so an entry touched by a concurrent acquire stays. Stateless.
 */
final class RedisViews {
  /** Index entries examined per listing, per entry asked for. */
  private static final int SCAN_FACTOR = 10;
  /** Index entries checked per housekeeping run. */
  private static final int PRUNE_SAMPLE = 20;

  private final RedisCalls calls;
  private final RedisKeys keys;

  RedisViews(RedisCalls calls) {
    this.calls = calls;
    this.keys = calls.keys();
  }

  CompletableFuture<LockPage> listLocks(String tenant, String prefix, String after, int limit) {
    long bound = (long) limit * SCAN_FACTOR;
    return calls.mapped(calls.link().async().zrangebylex(keys.lockIndex(),
        LockPages.range(tenant + "/" + prefix, after.isEmpty() ? "" : tenant + "/" + after),
        Limit.create(0, bound)).toCompletableFuture(), "listing locks").thenCompose(members -> examine(members)
        .thenApply(found -> LockPages.page(tenant, found.stream().map(entry -> new LockPages.Examined(
            entry.member(), entry.inspect().isEmpty() ? Optional.<LockView>empty() : Optional.of(Replies.lockView(
                entry.member().substring(tenant.length() + 1), entry.inspect(), 0)))).toList(),
            members.size() == bound, limit)));
  }

  /** One index entry: its generation when read, then its lock's inspect reply (empty: free). */
  private record Examined(String member, String generation, List<Object> inspect) { }

  /** Reads generations, then inspects each lock, then prunes the free ones not touched since. */
  private CompletableFuture<List<Examined>> examine(List<String> members) {
    if (members.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return calls.mapped(calls.link().async().hmget(keys.lockIndexGenerations(), members.toArray(String[]::new))
        .toCompletableFuture(), "listing locks").thenCompose(generations -> {
          List<CompletableFuture<Examined>> checks = new ArrayList<>(generations.size());
          for (KeyValue<String, String> generation : generations) {
            String member = generation.getKey();
            String seen = generation.getValueOrElse("");
            checks.add(calls.inspect(member).thenApply(reply -> new Examined(member, seen, reply)));
          }
          return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
              .thenApply(done -> checks.stream().map(CompletableFuture::join).toList());
        }).thenApply(found -> {
          prune(found);
          return found;
        });
  }

  private void prune(List<Examined> found) {
    List<String> pairs = new ArrayList<>();
    for (Examined entry : found) {
      if (entry.inspect().isEmpty() && !entry.generation().isEmpty()) {
        pairs.add(entry.member());
        pairs.add(entry.generation());
      }
    }
    if (!pairs.isEmpty()) {
      calls.run(SCRIPTS.indexPrune, "pruning the lock index",
          List.of(keys.lockIndex(), keys.lockIndexGenerations()), pairs).exceptionally(e -> null);
    }
  }

  CompletableFuture<List<WaiterView>> listWaiters(LockKey lock) {
    String what = "listing waiters of lock '" + lock.name() + "'";
    return calls.run(SCRIPTS.lockWaiters, what, List.of(keys.waiters(lock)), List.of()).thenCompose(reply -> {
      List<CompletableFuture<WaiterView>> views = new ArrayList<>();
      for (int i = 0; i + 2 < reply.size(); i += 3) {
        String sid = Replies.str(reply, i);
        String owner = Replies.str(reply, i + 1);
        Duration remaining = Duration.ofMillis(Replies.num(reply, i + 2));
        views.add(calls.mapped(calls.link().async().hget(keys.session(sid), "n").toCompletableFuture(), what)
            .thenApply(name -> new WaiterView(sid, owner, name == null ? "" : name, remaining)));
      }
      return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
          .thenApply(done -> views.stream().map(CompletableFuture::join).toList());
    });
  }

  CompletableFuture<List<SessionView>> listSessions(String tenant, int limit) {
    var commands = calls.link().async();
    String low = tenant + "/";
    return calls.mapped(commands.zrangebylex(keys.sessionIndex(), prefixRange(low),
        Limit.create(0, (long) limit * SCAN_FACTOR)).toCompletableFuture(), "listing sessions").thenCompose(members -> {
          List<CompletableFuture<SessionView>> views = new ArrayList<>();
          for (String member : members) {
            String sid = member.substring(low.length());
            views.add(calls.run(SCRIPTS.sessionView, "listing sessions",
                List.of(keys.session(sid), keys.sessionLocks(sid)), List.of()).thenApply(reply -> {
                  if (reply.isEmpty()) {
                    commands.zrem(keys.sessionIndex(), member); // ids are never reused: safe to drop
                    return null;
                  }
                  return Replies.sessionView(sid, reply);
                }));
          }
          return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new)).thenApply(done -> views.stream()
              .map(CompletableFuture::join).filter(view -> view != null).limit(limit).toList());
        });
  }

  CompletableFuture<Housekeeping> housekeeping() {
    var commands = calls.link().async();
    CompletableFuture<List<Object>> expiries = calls.run(SCRIPTS.sessionExpiries, "housekeeping",
        List.of(keys.sessionExpiries()), List.of());
    CompletableFuture<List<Examined>> sampled = calls.mapped(commands.zrandmember(keys.lockIndex(), PRUNE_SAMPLE)
        .toCompletableFuture(), "housekeeping").thenCompose(this::examine);
    CompletableFuture<Long> indexed = sampled.thenCompose(done -> calls.mapped(
        commands.zcard(keys.lockIndex()).toCompletableFuture(), "housekeeping"));
    return expiries.thenCombine(indexed, (counts, size) ->
        new Housekeeping(Replies.num(counts, 0), Replies.num(counts, 1), size));
  }

  /** All members starting with {@code low}: [low, low with its last code point + 1). */
  static Range<String> prefixRange(String low) {
    int last = low.codePointBefore(low.length());
    String head = low.substring(0, low.length() - Character.charCount(last));
    if (last >= Character.MAX_CODE_POINT - 1 || (last >= 0xD7FF && last < 0xE000)) {
      return Range.create(low, low + "\uDBFF\uDFFF");
    }
    return Range.from(Range.Boundary.including(low), Range.Boundary.excluding(head + Character.toString(last + 1)));
  }
}
