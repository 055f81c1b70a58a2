package dev.porter.telnet;

import java.util.Arrays;

/**
 * Which options this side agrees to when the peer asks (libtelnet's {@code telnet_telopt_t} table):
 * an ordered list of {@code OPTION:US:HIM} entries where the first entry naming an option decides.
 *
 * <p>Only requests from the peer consult the table: a received DO is accepted if the entry's {@code
 * us} is {@link Telnet#WILL}, a received WILL if its {@code him} is {@link Telnet#DO}. Options
 * without an entry are refused. Options this side asks for itself with {@link Telnet#negotiate}
 * need no entry.
 */
public final class TeloptTable {

  private static final TeloptTable REJECT_ALL = new TeloptTable(new boolean[256], new boolean[256]);

  private final boolean[] us;
  private final boolean[] him;

  private TeloptTable(boolean[] us, boolean[] him) {
    this.us = us;
    this.him = him;
  }

  /** A table that refuses every option (libtelnet's NULL table or an empty one). */
  public static TeloptTable rejectAll() {
    return REJECT_ALL;
  }

  /** Starts an empty table. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether a received {@code DO option} is accepted (we answer WILL). */
  public boolean acceptsUs(int option) {
    return option >= 0 && option < 256 && us[option];
  }

  /** Whether a received {@code WILL option} is accepted (we answer DO). */
  public boolean acceptsHim(int option) {
    return option >= 0 && option < 256 && him[option];
  }

  /** Collects entries in order; the first entry for an option wins, later ones are ignored. */
  public static final class Builder {
    private final boolean[] us = new boolean[256];
    private final boolean[] him = new boolean[256];
    private final boolean[] seen = new boolean[256];

    private Builder() {}

    /**
     * Adds an entry with libtelnet's raw values: {@code us == WILL} accepts DO, {@code him == DO}
     * accepts WILL; any other value (e.g. WONT, DONT) refuses.
     */
    public Builder entry(int option, int us, int him) {
      return accept(option, us == Telnet.WILL, him == Telnet.DO);
    }

    /** Adds an entry saying whether we agree to enable the option locally and remotely. */
    public Builder accept(int option, boolean us, boolean him) {
      if (option < 0 || option > 255) {
        throw new IllegalArgumentException("telnet option must be 0..255, got " + option);
      }
      if (!seen[option]) {
        seen[option] = true;
        this.us[option] = us;
        this.him[option] = him;
      }
      return this;
    }

    /** The finished, immutable table. */
    public TeloptTable build() {
      return new TeloptTable(Arrays.copyOf(us, 256), Arrays.copyOf(him, 256));
    }
  }
}
