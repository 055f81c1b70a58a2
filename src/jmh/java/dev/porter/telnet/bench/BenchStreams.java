package dev.porter.telnet.bench;

/**
 * The three synthetic inputs of telnet-oracle's {@code bench.c}, byte for byte: the same 32-bit
 * LCG, seeded once with 12345 and carried on from one stream to the next, so the streams are
 * generated in bench.c's order (plain, iac1pct, neg).
 */
final class BenchStreams {
  private int rng = 12345;

  private int rnd() {
    rng = rng * 1103515245 + 12345;
    return rng >>> 8;
  }

  /** bench.c's fill_text: printable text and newlines, ~permille/1000 escaped IACs. */
  byte[] text(int n, int permille) {
    byte[] p = new byte[n];
    int i = 0;
    while (i < n) {
      int r = Integer.remainderUnsigned(rnd(), 1000);
      if (permille != 0 && r < permille && i + 2 <= n) {
        p[i++] = (byte) 255;
        p[i++] = (byte) 255;
      } else if (r % 61 == 0) {
        p[i++] = '\n';
      } else {
        p[i++] = (byte) (' ' + Integer.remainderUnsigned(rnd(), 95));
      }
    }
    return p;
  }

  /** bench.c's fill_neg: WILL/WONT/DO/DONT on options 1, 3, 24, 31, IAC NOP, NAWS SBs, prompts. */
  byte[] negotiation(int n) {
    int[] opts = {1, 3, 24, 31};
    int[] cmds = {251, 252, 253, 254};
    byte[] p = new byte[n];
    int i = 0;
    while (i + 16 < n) {
      int r = Integer.remainderUnsigned(rnd(), 8);
      int o = opts[Integer.remainderUnsigned(rnd(), 4)];
      switch (r) {
        case 0:
        case 1:
        case 2:
        case 3:
          p[i++] = (byte) 255;
          p[i++] = (byte) cmds[r];
          p[i++] = (byte) o;
          break;
        case 4:
          p[i++] = (byte) 255;
          p[i++] = (byte) 241;
          break;
        case 5:
          for (int b : new int[] {255, 250, 31, 0, 80, 0, 24, 255, 240}) {
            p[i++] = (byte) b;
          }
          break;
        default:
          for (char c : "ok> ".toCharArray()) {
            p[i++] = (byte) c;
          }
          break;
      }
    }
    while (i < n) {
      p[i++] = 'x';
    }
    return p;
  }

  /** The named stream of {@code mib} MiB, after generating the ones bench.c fills before it. */
  static byte[] generate(String name, int mib) {
    int n = mib << 20;
    BenchStreams s = new BenchStreams();
    byte[] plain = s.text(n, 0);
    if (name.equals("plain")) {
      return plain;
    }
    byte[] iac = s.text(n, 10);
    if (name.equals("iac1pct")) {
      return iac;
    }
    if (name.equals("neg")) {
      return s.negotiation(n);
    }
    throw new IllegalArgumentException("unknown stream " + name + " (plain, iac1pct, neg)");
  }
}
