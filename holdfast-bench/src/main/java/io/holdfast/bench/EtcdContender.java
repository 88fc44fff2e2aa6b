package io.holdfast.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * etcd (Debian's {@code etcd-server}, 3.4) with its own Java client, jetcd: the Lock API with a lease, one lease
 * per client instance kept alive by jetcd ({@link EtcdLocker}). The harness starts a one-member etcd on loopback
 * with its defaults, in a fresh data directory.
 *
 * <p>Durability: etcd fsyncs its write-ahead log on every commit, so every lock and unlock waits for the disk;
 * that is {@code etcd}, with its data in the temporary directory ({@code java.io.tmpdir}). etcd 3.4 has no switch
 * to turn it off ({@code --unsafe-no-fsync} came in 3.5), so {@code etcd-tmpfs} puts the data directory on a
 * tmpfs ({@code /dev/shm}), where fsync returns at once: the same etcd, as durable as Redis without AOF, which is
 * the fair comparison with the other contenders' Redis ({@code --save ""}, no AOF).
 */
final class EtcdContender extends ExternalContender {
  /** The etcd binary to run instead of the one on PATH, e.g. a missing path to test the skip. */
  static final String BINARY_PROPERTY = "holdfast.bench.etcd";
  /** The tmpfs of {@code etcd-tmpfs}. */
  static final Path TMPFS = Path.of("/dev/shm");
  private static final String HINT = "install Debian's etcd-server or set -D" + BINARY_PROPERTY + "=PATH";
  private static final String MEMBER = "holdfast-bench";

  private final Path binary;

  /**
   * @param binary the etcd binary
   * @param tmpfs whether the data directory is on {@link #TMPFS} (else in the temporary directory)
   * @param outDir where the server's log goes
   */
  EtcdContender(Path binary, boolean tmpfs, Path outDir) {
    super(tmpfs ? "etcd-tmpfs" : "etcd", tmpfs ? "et" : "ed", missing(binary, tmpfs),
        tmpfs ? TMPFS : Path.of(System.getProperty("java.io.tmpdir")), outDir);
    this.binary = binary;
  }

  /** The etcd binary: {@value #BINARY_PROPERTY} if set, else {@code etcd} on PATH, else {@code /usr/bin/etcd}. */
  static Path binary() {
    String configured = System.getProperty(BINARY_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return onPath("etcd").orElse(Path.of("/usr/bin/etcd"));
  }

  static Optional<Path> onPath(String program) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isBlank()).map(dir -> Path.of(dir, program))
        .filter(Files::isExecutable).findFirst();
  }

  private static Optional<String> missing(Path binary, boolean tmpfs) {
    Optional<String> noBinary = missingFile(binary, "etcd binary", HINT);
    return noBinary.isPresent() || !tmpfs ? noBinary : missingFile(TMPFS, "tmpfs", "etcd-tmpfs needs /dev/shm");
  }

  @Override
  Locker connect(LockerSpec spec, int port) {
    return EtcdLocker.open("http://127.0.0.1:" + port, spec);
  }

  /** A one-member cluster on loopback, etcd's defaults otherwise (WAL fsync on every commit, no compaction). */
  @Override
  ExternalServer.Command command() {
    return (dataDir, clientPort, peerPort) -> {
      String client = "http://127.0.0.1:" + clientPort;
      String peer = "http://127.0.0.1:" + peerPort;
      return List.of(binary.toString(), "--name", MEMBER, "--data-dir", dataDir.toString(),
          "--listen-client-urls", client, "--advertise-client-urls", client,
          "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
          "--initial-cluster", MEMBER + "=" + peer);
    };
  }
}
