package io.holdfast.testkit.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code redis-server} executable that the test kit can launch.
 *
 * <p>Resolution order of {@link #locate()}:
 * <ol>
 *   <li>the file named by the environment variable {@value #SERVER_ENV} (an explicit choice, so a
 *       missing or non-executable file there is an error, not a reason to fall back);</li>
 *   <li>the first executable {@code redis-server} on {@code PATH};</li>
 *   <li>the binary shipped inside the embedded-redis jar, extracted once per JVM.</li>
 * </ol>
 * Setting the system property {@value #FORCE_EMBEDDED_PROPERTY} to {@code true} skips the first two
 * steps, so a machine that has Redis installed can still prove the fallback works.
 *
 * <p>The embedded binary is extracted into a private temporary directory created per JVM
 * ({@code Files.createTempDirectory} gives it owner-only permissions, so no other user can plant a
 * binary we would then execute). It is written under a unique temporary name, made executable and
 * only then atomically renamed to its final name: a reader never sees a half-written file, and
 * several threads, JVMs or surefire forks extracting at once cannot corrupt each other's copy.
 * Both file and directory are deleted when the JVM exits.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RedisBinary {

  /** Environment variable naming a {@code redis-server} binary; checked before {@code PATH}. */
  public static final String SERVER_ENV = "HOLDFAST_REDIS_SERVER";

  /** System property that, when {@code "true"}, forces the binary shipped in the embedded-redis jar. */
  public static final String FORCE_EMBEDDED_PROPERTY = "holdfast.redis.forceEmbedded";

  /** Where a {@link RedisBinary} was found. */
  public enum Source {
    /** The file named by {@value RedisBinary#SERVER_ENV}. */
    ENVIRONMENT,
    /** A {@code redis-server} found on {@code PATH}. */
    PATH,
    /** The binary shipped inside the embedded-redis jar, extracted to a temporary file. */
    EMBEDDED
  }

  private static final Logger LOG = LoggerFactory.getLogger(RedisBinary.class);
  private static final Pattern VERSION = Pattern.compile("\\bv=([0-9][0-9A-Za-z.\\-]*)");
  private static final long VERSION_TIMEOUT_SECONDS = 30;

  /** Guarded by the class lock; extraction happens at most once per JVM. */
  private static Path extracted;

  private final Path path;
  private final Source source;
  /** Memoised; racing threads may both run {@code --version}, which is harmless. */
  private volatile String version;

  RedisBinary(Path path, Source source) {
    this.path = Objects.requireNonNull(path, "path");
    this.source = Objects.requireNonNull(source, "source");
  }

  /**
   * Finds the {@code redis-server} to use, in the order described on this class.
   *
   * @return the binary; never {@code null}
   * @throws IllegalStateException if {@value #SERVER_ENV} names a file that is not executable, or
   *     no binary is on {@code PATH} and none is shipped for this operating system and architecture
   * @throws UncheckedIOException if extracting the embedded binary fails
   */
  public static RedisBinary locate() {
    return locate(System::getenv, Boolean.getBoolean(FORCE_EMBEDDED_PROPERTY), RedisBinary::embedded);
  }

  /**
   * Returns the binary shipped inside the embedded-redis jar for this platform, extracting it on
   * first use.
   *
   * @return the embedded binary
   * @throws IllegalStateException if the jar ships no binary for this operating system and architecture
   * @throws UncheckedIOException if extraction fails
   */
  public static synchronized RedisBinary embedded() {
    if (extracted == null) {
      String os = System.getProperty("os.name");
      String arch = System.getProperty("os.arch");
      String resource = embeddedResourceName(os, arch).orElseThrow(() -> new IllegalStateException(
          "No redis-server on PATH and the embedded-redis jar ships none for " + os + "/" + arch
              + "; install Redis or set " + SERVER_ENV));
      extracted = extractToPrivateTempDir(resource);
    }
    return new RedisBinary(extracted, Source.EMBEDDED);
  }

  /**
   * Finds {@code redis-cli} on {@code PATH}. The embedded-redis jar does not ship one, so callers
   * must cope with its absence (the test kit itself never needs it).
   *
   * @return the first executable {@code redis-cli} on {@code PATH}, or empty
   */
  public static Optional<Path> redisCli() {
    return findOnPath("redis-cli", System.getenv("PATH"));
  }

  /**
   * Returns the executable file.
   *
   * @return absolute or {@code PATH}-derived path of the executable
   */
  public Path path() {
    return path;
  }

  /**
   * Returns where this binary was found.
   *
   * @return the source
   */
  public Source source() {
    return source;
  }

  /**
   * Returns the server version reported by {@code redis-server --version}, such as {@code 7.0.15}.
   * Note that the embedded jar's file names are not reliable: its "6.2.6" Linux binary reports 6.2.11.
   *
   * @return the version string
   * @throws IllegalStateException if the binary cannot be run or its output has no version
   */
  public String version() {
    String v = version;
    if (v == null) {
      v = parseVersion(runVersionCommand());
      version = v;
    }
    return v;
  }

  /** {@inheritDoc} */
  @Override
  public String toString() {
    return "RedisBinary[" + source + " " + path + "]";
  }

  static RedisBinary locate(Function<String, String> env, boolean forceEmbedded,
      Supplier<RedisBinary> embedded) {
    if (forceEmbedded) {
      return embedded.get();
    }
    String explicit = env.apply(SERVER_ENV);
    if (explicit != null && !explicit.isBlank()) {
      Path file = Paths.get(explicit);
      if (!isExecutableFile(file)) {
        throw new IllegalStateException(SERVER_ENV + " names " + file + ", which is not an executable file");
      }
      return new RedisBinary(file, Source.ENVIRONMENT);
    }
    return findOnPath("redis-server", env.apply("PATH"))
        .map(p -> new RedisBinary(p, Source.PATH))
        .orElseGet(embedded);
  }

  static Optional<Path> findOnPath(String executable, String pathValue) {
    if (pathValue == null) {
      return Optional.empty();
    }
    for (String dir : pathValue.split(Pattern.quote(File.pathSeparator))) {
      // An empty PATH entry means the current directory to a shell; we refuse that on purpose, as
      // running whatever redis-server sits in the build's working directory would be a surprise.
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Paths.get(dir, executable);
      if (isExecutableFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static Optional<String> embeddedResourceName(String osName, String osArch) {
    String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
    String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    boolean x86 = arch.equals("x86") || arch.equals("i386") || arch.equals("i686");
    // Windows is left out on purpose: pause/resume need POSIX signals, which it lacks.
    if (os.startsWith("linux")) {
      return x64 ? Optional.of("redis-server-6.2.6-v5-linux-amd64")
          : arm64 ? Optional.of("redis-server-6.2.7-linux-arm64")
          : x86 ? Optional.of("redis-server-6.2.7-linux-386")
          : Optional.empty();
    }
    if (os.startsWith("mac") || os.startsWith("darwin")) {
      return x64 ? Optional.of("redis-server-6.2.6-v5-darwin-amd64")
          : arm64 ? Optional.of("redis-server-6.2.6-v5-darwin-arm64")
          : Optional.empty();
    }
    return Optional.empty();
  }

  static String parseVersion(String versionOutput) {
    Matcher m = VERSION.matcher(versionOutput == null ? "" : versionOutput);
    if (!m.find()) {
      throw new IllegalStateException("No version in redis-server --version output: " + versionOutput);
    }
    return m.group(1);
  }

  /**
   * Copies a classpath resource to {@code dir/resource}: unique temporary name first, then an atomic
   * rename, so concurrent extractors into the same directory always leave one complete executable.
   */
  static Path extract(String resource, Path dir) throws IOException {
    Path target = dir.resolve(resource);
    Path tmp = Files.createTempFile(dir, resource + ".", ".part");
    try (InputStream in = RedisBinary.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IOException("Resource /" + resource + " not found; is embedded-redis on the classpath?");
      }
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      if (!tmp.toFile().setExecutable(true, true)) {
        throw new IOException("Cannot mark " + tmp + " executable");
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path extractToPrivateTempDir(String resource) {
    try {
      Path dir = Files.createTempDirectory("holdfast-redis-");
      // deleteOnExit runs in reverse order of registration: the file goes before its directory.
      dir.toFile().deleteOnExit();
      Path file = extract(resource, dir);
      file.toFile().deleteOnExit();
      LOG.info("Extracted the embedded redis-server to {}", file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract embedded " + resource, e);
    }
  }

  private static boolean isExecutableFile(Path file) {
    return Files.isRegularFile(file) && Files.isExecutable(file);
  }

  private String runVersionCommand() {
    try {
      Process p = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
      // The output is one short line, so reading before waiting cannot fill the pipe and deadlock.
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(VERSION_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(path + " --version did not exit in " + VERSION_TIMEOUT_SECONDS + "s");
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run " + path + " --version", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + path + " --version", e);
    }
  }
}
