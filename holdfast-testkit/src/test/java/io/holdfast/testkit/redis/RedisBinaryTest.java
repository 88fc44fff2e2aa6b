package io.holdfast.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure logic of {@link RedisBinary}: no real redis-server is started here. */
class RedisBinaryTest {

  private static final String FAKE_RESOURCE = "holdfast-fake-redis-server";

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "{0}/{1} -> {2}")
  @CsvSource({
      "Linux, amd64, redis-server-6.2.6-v5-linux-amd64",
      "Linux, x86_64, redis-server-6.2.6-v5-linux-amd64",
      "Linux, aarch64, redis-server-6.2.7-linux-arm64",
      "Linux, i386, redis-server-6.2.7-linux-386",
      "Mac OS X, x86_64, redis-server-6.2.6-v5-darwin-amd64",
      "Mac OS X, aarch64, redis-server-6.2.6-v5-darwin-arm64",
  })
  void embeddedResourceName_supportedPlatform_namesBinaryShippedInJar(String os, String arch, String expected) {
    assertThat(RedisBinary.embeddedResourceName(os, arch)).contains(expected);
    assertThat(RedisBinary.class.getResource("/" + expected)).as("shipped in the embedded-redis jar").isNotNull();
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"Windows 11, amd64", "Linux, ppc64le", "Linux, s390x", "FreeBSD, amd64", "Mac OS X, ppc"})
  void embeddedResourceName_unsupportedPlatform_isEmpty(String os, String arch) {
    assertThat(RedisBinary.embeddedResourceName(os, arch)).isEmpty();
  }

  @Test
  void findOnPath_executableInLaterDirectory_isFound() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Path bin = executable(Files.createDirectory(tmp.resolve("bin")).resolve("redis-server"));

    assertThat(RedisBinary.findOnPath("redis-server", path(empty, bin.getParent()))).contains(bin);
  }

  @Test
  void findOnPath_twoCandidates_firstDirectoryWins() throws IOException {
    Path first = executable(Files.createDirectory(tmp.resolve("a")).resolve("redis-server"));
    Path second = executable(Files.createDirectory(tmp.resolve("b")).resolve("redis-server"));

    assertThat(RedisBinary.findOnPath("redis-server", path(first.getParent(), second.getParent()))).contains(first);
  }

  @Test
  void findOnPath_nonExecutableFileOrDirectory_isSkipped() throws IOException {
    Path plain = Files.createDirectory(tmp.resolve("plain"));
    Files.writeString(plain.resolve("redis-server"), "not executable");
    Path dirs = Files.createDirectory(tmp.resolve("dirs"));
    Files.createDirectory(dirs.resolve("redis-server"));
    Path real = executable(Files.createDirectory(tmp.resolve("real")).resolve("redis-server"));

    assertThat(RedisBinary.findOnPath("redis-server", path(plain, dirs, real.getParent()))).contains(real);
  }

  @Test
  void findOnPath_emptyOrMissingPath_isEmpty() {
    assertThat(RedisBinary.findOnPath("redis-server", null)).isEmpty();
    assertThat(RedisBinary.findOnPath("redis-server", "")).isEmpty();
    assertThat(RedisBinary.findOnPath("redis-server", File.pathSeparator + File.pathSeparator)).isEmpty();
  }

  @Test
  void locate_envVariableAndPathBothSet_envVariableWins() throws IOException {
    Path explicit = executable(tmp.resolve("my-redis"));
    Path onPath = executable(Files.createDirectory(tmp.resolve("bin")).resolve("redis-server"));
    Map<String, String> env = Map.of(RedisBinary.SERVER_ENV, explicit.toString(), "PATH", onPath.getParent().toString());

    RedisBinary binary = RedisBinary.locate(env::get, false, RedisBinaryTest::unexpectedEmbedded);

    assertThat(binary.path()).isEqualTo(explicit);
    assertThat(binary.source()).isEqualTo(RedisBinary.Source.ENVIRONMENT);
  }

  @Test
  void locate_envVariableNamesMissingFile_failsNamingIt() {
    Path missing = tmp.resolve("no-such-redis");
    Map<String, String> env = Map.of(RedisBinary.SERVER_ENV, missing.toString());

    assertThatThrownBy(() -> RedisBinary.locate(env::get, false, RedisBinaryTest::unexpectedEmbedded))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(RedisBinary.SERVER_ENV)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void locate_onlyPathSet_usesPath() throws IOException {
    Path onPath = executable(Files.createDirectory(tmp.resolve("bin")).resolve("redis-server"));
    Map<String, String> env = Map.of("PATH", onPath.getParent().toString());

    RedisBinary binary = RedisBinary.locate(env::get, false, RedisBinaryTest::unexpectedEmbedded);

    assertThat(binary.path()).isEqualTo(onPath);
    assertThat(binary.source()).isEqualTo(RedisBinary.Source.PATH);
  }

  @Test
  void locate_nothingOnPath_fallsBackToEmbedded() {
    RedisBinary embedded = new RedisBinary(tmp.resolve("embedded"), RedisBinary.Source.EMBEDDED);
    Map<String, String> env = Map.of("PATH", tmp.toString());

    assertThat(RedisBinary.locate(env::get, false, () -> embedded)).isSameAs(embedded);
  }

  @Test
  void locate_forceEmbedded_ignoresEnvVariableAndPath() throws IOException {
    Path explicit = executable(tmp.resolve("my-redis"));
    RedisBinary embedded = new RedisBinary(tmp.resolve("embedded"), RedisBinary.Source.EMBEDDED);
    Map<String, String> env = Map.of(RedisBinary.SERVER_ENV, explicit.toString(), "PATH", tmp.toString());

    assertThat(RedisBinary.locate(env::get, true, () -> embedded)).isSameAs(embedded);
  }

  @Test
  void parseVersion_redisVersionLine_returnsVersion() {
    assertThat(RedisBinary.parseVersion(
        "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0\n"))
        .isEqualTo("7.0.15");
    assertThat(RedisBinary.parseVersion("Redis server v=7.2.0-rc1 sha=0")).isEqualTo("7.2.0-rc1");
  }

  @Test
  void parseVersion_unrelatedOutput_failsQuotingIt() {
    assertThatThrownBy(() -> RedisBinary.parseVersion("Usage: ./redis-server [/path/to/redis.conf]"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Usage");
  }

  @Test
  void extract_resource_isExecutableCopyThatRuns() throws IOException {
    Path file = RedisBinary.extract(FAKE_RESOURCE, tmp);

    assertThat(file).isExecutable().hasBinaryContent(resourceBytes());
    assertThat(new RedisBinary(file, RedisBinary.Source.EMBEDDED).version()).isEqualTo("9.8.7");
  }

  @Test
  void extract_missingResource_failsNamingIt() {
    assertThatThrownBy(() -> RedisBinary.extract("no-such-resource", tmp))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no-such-resource");
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void extract_concurrentExtractorsIntoOneDirectory_leaveOneCompleteExecutable() throws Exception {
    int extractors = 8;
    ExecutorService pool = Executors.newFixedThreadPool(extractors);
    try {
      List<Callable<Path>> tasks = new ArrayList<>();
      for (int i = 0; i < extractors; i++) {
        tasks.add(() -> RedisBinary.extract(FAKE_RESOURCE, tmp));
      }
      for (Future<Path> result : pool.invokeAll(tasks)) {
        assertThat(result.get()).isEqualTo(tmp.resolve(FAKE_RESOURCE));
      }
    } finally {
      pool.shutdownNow();
    }

    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files).as("no temporary files left behind").containsExactly(tmp.resolve(FAKE_RESOURCE));
    }
    assertThat(tmp.resolve(FAKE_RESOURCE)).isExecutable().hasBinaryContent(resourceBytes());
  }

  @Test
  void redisCli_thisMachinesPath_isTheFirstExecutableRedisCliOnIt() {
    // An independent scan of PATH, so the answer is checked both where redis-cli is installed and where it is not.
    Optional<Path> expected = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "redis-cli"))
        .filter(file -> Files.isRegularFile(file) && Files.isExecutable(file)).findFirst();

    assertThat(RedisBinary.redisCli()).isEqualTo(expected);
  }

  private static RedisBinary unexpectedEmbedded() {
    throw new AssertionError("the embedded fallback should not be used here");
  }

  private static Path executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    assertThat(file.toFile().setExecutable(true)).isTrue();
    return file;
  }

  private static String path(Path... dirs) {
    return String.join(File.pathSeparator, Stream.of(dirs).map(Path::toString).toArray(String[]::new));
  }

  private static byte[] resourceBytes() throws IOException {
    try (InputStream in = RedisBinaryTest.class.getResourceAsStream("/" + FAKE_RESOURCE)) {
      return in.readAllBytes();
    }
  }
}
