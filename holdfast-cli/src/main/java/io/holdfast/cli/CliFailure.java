package io.holdfast.cli;

/*
 * A failure the user must see as one line, with the exit code the command should end with. Commands throw it
 * instead of printing and returning, so that HoldfastCli formats every failure the same way.
 */
final class CliFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CliFailure(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
