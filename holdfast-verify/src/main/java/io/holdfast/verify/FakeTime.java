package io.holdfast.verify;

import io.holdfast.testkit.redis.RedisBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/*
 * A Redis host clock the checker can step: redis-server runs under libfaketime (Debian package "faketime"), which
 * reads the offset from a file on every clock call (FAKETIME_NO_CACHE), so writing the file steps the clock at
 * once. Only CLOCK_REALTIME is faked (FAKETIME_DONT_FAKE_MONOTONIC), as an NTP step would do.
 *
 * Found here (Debian 12, libfaketime 0.9.10): Debian's redis-server 7.0 links jemalloc as a shared library, whose
 * start-up calls clock_gettime before libfaketime is initialised; libfaketime then aborts the recursion and Redis
 * exits at once. The redis-server 6.2 binary shipped in the embedded-redis jar (its allocator is linked in) runs
 * fine under it, so the Redis clock fault runs on that binary. The wrapper script execs Redis, so the pid the
 * test kit manages is Redis's own.
 */
final class FakeTime {
  private static final List<String> LIBRARIES = List.of(
      "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
      "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
      "/usr/lib/faketime/libfaketime.so.1",
      "/usr/local/lib/faketime/libfaketime.so.1");

  private final Path offsetFile;
  private final Path wrapper;
  private volatile Duration offset = Duration.ZERO;

  private FakeTime(Path offsetFile, Path wrapper) {
    this.offsetFile = offsetFile;
    this.wrapper = wrapper;
  }

  /** A wrapper around the embedded redis-server 6.2 binary, or empty when libfaketime is not installed. */
  static Optional<FakeTime> prepare(Path dir) {
    Optional<Path> library = LIBRARIES.stream().map(Path::of).filter(Files::isReadable).findFirst();
    if (library.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path offsetFile = dir.resolve("faketime-offset");
      Path wrapper = dir.resolve("redis-server-faketime");
      Files.writeString(offsetFile, "+0\n");
      String script = "#!/bin/sh\n"
          + "export LD_PRELOAD=" + library.get() + "\n"
          + "export FAKETIME_TIMESTAMP_FILE=" + offsetFile + "\n"
          + "export FAKETIME_NO_CACHE=1\n"
          + "export FAKETIME_DONT_FAKE_MONOTONIC=1\n"
          + "exec " + RedisBinary.embedded().path() + " \"$@\"\n";
      Files.writeString(wrapper, script, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
      return Optional.of(new FakeTime(offsetFile, wrapper));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the libfaketime wrapper in " + dir, e);
    }
  }

  /** The executable to start as redis-server. */
  Path binary() {
    return wrapper;
  }

  /** Steps the Redis host clock to {@code newOffset} from true time. */
  void set(Duration newOffset) {
    String spec = String.format(Locale.ROOT, "%+.3f%n", newOffset.toNanos() / 1e9);
    try {
      // Written beside and renamed, so Redis never reads a half-written offset.
      Path temporary = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
      Files.writeString(temporary, spec);
      Files.move(temporary, offsetFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      offset = newOffset;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot step the Redis clock", e);
    }
  }

  Duration offset() {
    return offset;
  }
}
