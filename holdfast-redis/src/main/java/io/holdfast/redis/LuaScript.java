package io.holdfast.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Lua script from the class path, called by its SHA1 with {@code EVALSHA}: the one script runner of
 * Holdfast, for the library's lock scripts and for the lock service's own session scripts.
 *
 * <p>A script may be several files sent as one source (a prelude such as {@code lockstate.lua}, then the
 * script), so that a rule shared by several scripts is written once. The SHA1 is computed here from the same
 * UTF-8 bytes Lettuce sends, so it matches the server's {@code SCRIPT LOAD} digest without a round trip. The
 * server's script cache is not durable: a restart, a failover to a replica that never saw the script, or
 * {@code SCRIPT FLUSH} empties it, and {@code EVALSHA} then fails with {@code NOSCRIPT}. That call is re-sent
 * once as {@code EVAL} with the full source, which also puts the script back in the cache, so the next call by
 * SHA works again. Resending is safe because a script that failed with {@code NOSCRIPT} never ran. On Cluster,
 * Lettuce routes the call by its first key, so every key of one call must share a hash slot.
 *
 * <p>Safe: immutable; Lettuce's async commands are thread-safe.
 */
public final class LuaScript {
  private static final Logger LOG = LoggerFactory.getLogger(LuaScript.class);

  private final String name;
  private final String source;
  private final String sha1;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha1 = sha1Hex(source);
  }

  /**
   * Reads {@code io/holdfast/redis/<file>...} from the class path and joins them into one script.
   *
   * @param files the file names, preludes first, e.g. {@code lockstate.lua, acquire.lua}
   * @return the script, named after its last file
   * @throws IllegalStateException when a resource is missing (a packaging bug)
   */
  static LuaScript fromClasspath(String... files) {
    return load(LuaScript.class, files);
  }

  /**
   * Reads scripts that live beside {@code anchor} on the class path and joins them into one script (the lock
   * service's session scripts, with their prelude in front).
   *
   * @param anchor the class whose package holds the files
   * @param files the file names, preludes first
   * @return the script, named after its last file
   * @throws IllegalStateException when a resource is missing (a packaging bug)
   */
  public static LuaScript load(Class<?> anchor, String... files) {
    if (files.length == 0) {
      throw new IllegalArgumentException("a script needs at least one file");
    }
    StringBuilder source = new StringBuilder();
    for (String file : files) {
      try (InputStream in = anchor.getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalStateException("Lua script " + file + " is missing from the class path beside "
              + anchor.getName());
        }
        source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read Lua script " + file, e);
      }
    }
    return new LuaScript(files[files.length - 1], source.toString());
  }

  String name() {
    return name;
  }

  String sha1() {
    return sha1;
  }

  /**
   * The full source, preludes included, exactly as {@code EVAL} sends it (for a caller that loads it itself, such
   * as the benchmark's script ceilings).
   *
   * @return the source
   */
  public String source() {
    return source;
  }

  /**
   * Runs the script by SHA, falling back to the full source on {@code NOSCRIPT}. The future fails with the
   * Redis error as Lettuce reports it (unwrapped); whether it is safe to repeat is the script's business.
   *
   * @param commands the connection
   * @param type how to decode the reply
   * @param keys the script's KEYS
   * @param args the script's ARGV
   * @param <T> the decoded reply type ({@code Long} for an integer, {@code List<Object>} for an array)
   * @return the reply
   */
  public <T> CompletableFuture<T> run(RedisClusterAsyncCommands<String, String> commands, ScriptOutputType type,
      String[] keys, String... args) {
    CompletableFuture<T> bySha = commands.<T>evalsha(sha1, type, keys, args).toCompletableFuture();
    // One dependent stage, and none of its work on success: this runs on the connection's I/O thread.
    return bySha.exceptionallyCompose(failure -> {
      if (RedisErrors.unwrap(failure) instanceof RedisNoScriptException) {
        LOG.debug("Script {} is not in the Redis script cache (restart, failover or SCRIPT FLUSH); "
            + "sending its source with EVAL", name);
        return commands.<T>eval(source, type, keys, args);
      }
      return CompletableFuture.<T>failedFuture(RedisErrors.unwrap(failure));
    });
  }

  /**
   * Runs the script by SHA and, pipelined right behind it on the same connection without waiting for its
   * reply, the command {@code next} makes (a {@code WAIT}). On {@code NOSCRIPT} the script is re-sent as
   * {@code EVAL} and {@code next} is sent again behind it, so that {@code next} always follows the write it is
   * about: the first one followed a script that never ran.
   *
   * @param commands the connection (standalone or Sentinel: one server, so the two cannot be split up)
   * @param type how to decode the script's reply
   * @param keys the script's KEYS
   * @param args the script's ARGV
   * @param next sends the follow-up command
   * @param <T> the script's reply type
   * @param <U> the follow-up's reply type
   * @return both replies
   */
  <T, U> CompletableFuture<Followed<T, U>> runFollowedBy(RedisClusterAsyncCommands<String, String> commands,
      ScriptOutputType type, String[] keys, String[] args, Supplier<CompletableFuture<U>> next) {
    CompletableFuture<T> bySha = commands.<T>evalsha(sha1, type, keys, args).toCompletableFuture();
    CompletableFuture<U> behind = next.get();
    return bySha.<CompletionStage<Followed<T, U>>>handle((reply, failure) -> {
      if (failure == null) {
        return behind.thenApply(value -> new Followed<>(reply, value));
      }
      if (RedisErrors.unwrap(failure) instanceof RedisNoScriptException) {
        LOG.debug("Script {} is not in the Redis script cache; sending its source with EVAL", name);
        CompletableFuture<T> byEval = commands.<T>eval(source, type, keys, args).toCompletableFuture();
        return byEval.thenCombine(next.get(), Followed::new);
      }
      return CompletableFuture.failedFuture(RedisErrors.unwrap(failure));
    }).thenCompose(stage -> stage);
  }

  /**
   * A script's reply and the reply of the command pipelined behind it.
   *
   * @param reply the script's reply
   * @param next the follow-up's reply
   * @param <T> the script's reply type
   * @param <U> the follow-up's reply type
   */
  record Followed<T, U>(T reply, U next) { }

  private static String sha1Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform must provide SHA-1", e);
    }
  }
}
