package io.holdfast.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ZooKeeper (Debian's {@code zookeeper}, 3.8) with Curator's {@code InterProcessMutex} ({@link CuratorLocker}).
 * The harness starts a standalone server ({@code QuorumPeerMain} with a generated {@code zoo.cfg}) in a JVM of
 * its own, with the harness's {@code java} and the Debian jar (whose manifest names its dependencies), on
 * loopback, in a fresh data directory.
 *
 * <p>Settings: ZooKeeper's defaults except three that a benchmark on one machine needs: {@code maxClientCnxns=0}
 * (the default 60 connections per client address is less than a fleet of 200 instances, all on 127.0.0.1),
 * {@code admin.enableServer=false} (the admin web server would take port 8080) and {@code clientPortAddress}.
 * Durability: ZooKeeper fsyncs its transaction log before it acknowledges a write ({@code forceSync=yes}, the
 * default), which is {@code zookeeper}; {@code zookeeper-nosync} sets {@code forceSync=no}, ZooKeeper's own switch,
 * as durable as Redis without AOF, the fair comparison with the other contenders' Redis.
 */
final class ZooKeeperContender extends ExternalContender {
  /** The ZooKeeper server jar to run instead of Debian's, e.g. a missing path to test the skip. */
  static final String JAR_PROPERTY = "holdfast.bench.zookeeper.jar";
  /** Debian's server jar; its manifest's Class-Path names the jars it needs in /usr/share/java. */
  static final Path DEBIAN_JAR = Path.of("/usr/share/java/zookeeper.jar");
  /** Gives the Debian server a logger, so that its log says what it did; optional. */
  private static final Path DEBIAN_SLF4J_SIMPLE = Path.of("/usr/share/java/slf4j-simple.jar");
  private static final String HINT = "install Debian's zookeeper or set -D" + JAR_PROPERTY + "=PATH";
  private static final int TICK_MILLIS = 2000;

  private final Path jar;
  private final boolean forceSync;

  /**
   * @param jar the server jar
   * @param forceSync whether the transaction log is fsynced before a write is acknowledged (the default)
   * @param outDir where the server's log goes
   */
  ZooKeeperContender(Path jar, boolean forceSync, Path outDir) {
    super(forceSync ? "zookeeper" : "zookeeper-nosync", forceSync ? "zk" : "zn",
        missingFile(jar, "ZooKeeper server jar", HINT), Path.of(System.getProperty("java.io.tmpdir")),
        outDir);
    this.jar = jar;
    this.forceSync = forceSync;
  }

  /** The server jar: {@value #JAR_PROPERTY} if set, else {@link #DEBIAN_JAR}. */
  static Path jar() {
    String configured = System.getProperty(JAR_PROPERTY);
    return configured != null && !configured.isBlank() ? Path.of(configured) : DEBIAN_JAR;
  }

  @Override
  Locker connect(LockerSpec spec, int port) {
    return CuratorLocker.open("127.0.0.1:" + port, spec);
  }

  @Override
  ExternalServer.Command command() {
    return (dataDir, clientPort, unused) -> {
      Path config = dataDir.resolve("zoo.cfg");
      Files.writeString(config, String.join("\n",
          "tickTime=" + TICK_MILLIS,
          "dataDir=" + dataDir.resolve("data"),
          "clientPortAddress=127.0.0.1",
          "clientPort=" + clientPort,
          "maxClientCnxns=0",
          "admin.enableServer=false",
          "forceSync=" + (forceSync ? "yes" : "no"), ""), StandardCharsets.UTF_8);
      List<String> classPath = new ArrayList<>(List.of(jar.toString()));
      if (Files.exists(DEBIAN_SLF4J_SIMPLE)) {
        classPath.add(DEBIAN_SLF4J_SIMPLE.toString());
      }
      return List.of(java(), "-cp", String.join(File.pathSeparator, classPath),
          "org.apache.zookeeper.server.quorum.QuorumPeerMain", config.toString());
    };
  }

  private static String java() {
    return ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
  }
}
