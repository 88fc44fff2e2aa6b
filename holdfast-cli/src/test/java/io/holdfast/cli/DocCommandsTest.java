package io.holdfast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Every self-contained {@code holdfast} command in README.md and docs/*.md (in sh code blocks, and inline code
 * starting with {@code ./holdfast})
 * parses as written, and a {@code server} command's settings also validate (tokens, Redis URI), which is as far
 * as a command can run without starting anything. A command with a placeholder (an all-capitals word such as NAME,
 * brackets, "...", a pipe or a variable) is a synopsis, not a command, and is left out.
 */
class DocCommandsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** The holdfast command as a shell line starts it: the launcher, an installed command, or the jar. */
  private static final Pattern PROGRAM = Pattern.compile("(\\./holdfast|holdfast|java -jar \\S*holdfast\\.jar)\\s+");
  private static final Pattern ENVIRONMENT = Pattern.compile("^([A-Z_]+=\\S*\\s+)+");
  /** Inline code that is a command to type ("./holdfast ..."); "holdfast run" in a sentence only names one. */
  private static final Pattern INLINE = Pattern.compile("`(\\./holdfast [^`]*)`");
  private static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z0-9_]*(=.*)?|.*[\\[\\]|$<>].*|.*\\.\\.\\..*");

  record DocCommand(String where, String line) {
    @Override
    public String toString() {
      return where + ": " + line;
    }
  }

  static List<DocCommand> commands() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<DocCommand> found = new ArrayList<>();
    for (Path file : files) {
      found.addAll(commandsIn(ROOT.relativize(file).toString(), Files.readAllLines(file)));
    }
    List<DocCommand> runnable = found.stream().filter(c -> Arrays.stream(words(c.line()))
        .noneMatch(word -> PLACEHOLDER.matcher(word).matches())).toList();
    assertThat(runnable).as("self-contained commands found in the docs").hasSizeGreaterThan(8);
    return runnable;
  }

  private static List<DocCommand> commandsIn(String name, List<String> lines) {
    List<DocCommand> found = new ArrayList<>();
    boolean shell = false;
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("```")) {
        fenced = !fenced;
        shell = fenced && line.trim().matches("```(sh|bash|shell)?");
        continue;
      }
      String program = ENVIRONMENT.matcher(line.trim()).replaceFirst("");
      if (shell && PROGRAM.matcher(program).lookingAt()) {
        StringBuilder command = new StringBuilder(PROGRAM.matcher(program).replaceFirst("holdfast "));
        while (command.toString().endsWith("\\") && i + 1 < lines.size()) {
          command.setLength(command.length() - 1);
          command.append(' ').append(lines.get(++i).trim());
        }
        found.add(new DocCommand(name + ":" + (i + 1), command.toString().replaceAll("\\s+#.*$", "")));
      } else if (!fenced) {
        Matcher inline = INLINE.matcher(line);
        while (inline.find()) {
          found.add(new DocCommand(name + ":" + (i + 1), inline.group(1)));
        }
      }
    }
    return found;
  }

  private static String[] words(String command) {
    String[] words = command.trim().split("\\s+");
    return Arrays.copyOfRange(words, 1, words.length); // the program itself: ./holdfast or holdfast
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void docCommand_asWritten_parsesAndItsSettingsValidate(DocCommand command) {
    CommandLine cli = HoldfastCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    ParseResult parsed = cli.parseArgs(words(command.line()));
    ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    Object target = leaf.commandSpec().userObject();
    if (target instanceof ServerCommand server) {
      assertThatCode(server::configuration).as(command.toString()).doesNotThrowAnyException();
    }
  }
}
