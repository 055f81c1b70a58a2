package dev.porter.process;

/** How a child ended, decoded from a {@code waitpid} status: it exited, or a signal killed it. */
public sealed interface ExitStatus {
  /** The child called exit(code). */
  record Exited(int code) implements ExitStatus {
    @Override
    public String toString() {
      return "exit " + code;
    }
  }

  /** A signal ended the child. */
  record Killed(int signal, boolean coreDumped) implements ExitStatus {
    @Override
    public String toString() {
      return "signal "
          + signal
          + " ("
          + Processes.signalName(signal)
          + ")"
          + (coreDumped ? " core dumped" : "");
    }
  }

  /** The shell's {@code $?} for this status: the exit code, or 128 + the signal. */
  default int shellCode() {
    if (this instanceof Exited e) return e.code();
    return 128 + ((Killed) this).signal();
  }

  static ExitStatus exited(int code) {
    return new Exited(code);
  }

  static ExitStatus killed(int signal, boolean coreDumped) {
    return new Killed(signal, coreDumped);
  }

  /** Decodes a Linux wait status (the WIFEXITED/WTERMSIG macros of glibc's waitstatus.h). */
  static ExitStatus fromWaitStatus(int status) {
    int low = status & 0x7f;
    if (low == 0) return new Exited((status >> 8) & 0xff);
    if (low != 0x7f) return new Killed(low, (status & 0x80) != 0);
    throw new IllegalArgumentException(
        "wait status 0x" + Integer.toHexString(status) + " is a stopped child, not an exit");
  }
}
