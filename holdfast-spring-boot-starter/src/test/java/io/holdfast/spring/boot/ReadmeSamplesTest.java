package io.holdfast.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every {@code java} block of the README against the real artifacts, so that the samples stay copy-paste
 * ready. It lives in the starter's tests because their class path has every module a sample uses (core, Redis,
 * the Lock adapter, Spring Integration, ShedLock, Spring).
 *
 * <p>A block of statements is compiled as a method body, a block that declares members ({@code @Bean} methods) as
 * a class body. Both see {@link #IMPORTS} and the names of {@link #SCENE}: the application's own objects a sample
 * refers to ({@code store}, {@code record}, {@code worker}, {@code holdfast}...), which the README leaves to the
 * reader. A sample that needs any other name does not compile, and this test says which.
 */
class ReadmeSamplesTest {
  private static final String IMPORTS = String.join("\n",
      "import io.holdfast.*;",
      "import io.holdfast.concurrent.*;",
      "import io.holdfast.fence.*;",
      "import io.holdfast.shedlock.*;",
      "import io.holdfast.spring.integration.*;",
      "import java.time.*;",
      "import java.util.*;",
      "import java.util.concurrent.TimeUnit;",
      "import io.lettuce.core.api.StatefulRedisConnection;",
      "import net.javacrumbs.shedlock.core.LockProvider;",
      "import org.springframework.context.annotation.Bean;",
      "import org.springframework.integration.support.locks.DistributedLock;",
      "import org.springframework.integration.support.locks.LockRegistry;",
      "");

  private static final String SCENE = String.join("\n",
      "  interface Store { void write(Object record, FencingToken token); }",
      "  interface Worker { void cancel(); }",
      "  Holdfast holdfast; Store store; Object record; Worker worker; Object order;",
      "  Map<String, String> cache; String key; String value;",
      "  StatefulRedisConnection<String, String> resourceConnection; String json;",
      "  void process(Object order) { }",
      "");

  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern MEMBERS = Pattern.compile("^\\s*(@|(public |protected |private |static )*[\\w<>, ]+"
      + " \\w+\\([^;]*\\)\\s*\\{)");

  @Test
  void readme_javaSamples_compile(@TempDir Path out) throws IOException {
    Path readme = Path.of("..", "README.md");
    List<JavaFileObject> sources = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(Files.readString(readme));
    while (block.find()) {
      String code = block.group(1);
      String name = "ReadmeSample" + sources.size();
      String body = MEMBERS.matcher(code).find() ? code : "void sample() throws Exception {\n" + code + "}\n";
      sources.add(source(name, IMPORTS + "abstract class " + name + " {\n" + SCENE + body + "}\n"));
    }
    assertThat(sources).as("java blocks in " + readme.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(4);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled = javac.getTask(diagnostics, null, null,
        List.of("-proc:none", "-d", out.toString(), "-classpath", System.getProperty("java.class.path")),
        null, sources).call();
    assertThat(compiled).as("README samples compile:\n%s", diagnostics).isTrue();
  }

  private static JavaFileObject source(String name, String code) {
    return new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    };
  }
}
