package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** inetd wait semantics: the child gets the listening socket and accepts by itself. */
class WaitModeIT {
  static final String ACCEPT_ONCE =
      "use Socket; open(my $l, '<&=', 0) or die; accept(my $c, $l) or die;"
          + " syswrite($c, qq(served by $$\\\\n)); close $c;";

  @Test
  void oneChildAtATimeAcceptsOnTheListeningSocketAndPorterListensAgainAfterIt() throws Exception {
    try (LogCapture logs = new LogCapture();
        RunningPorter p =
            RunningPorter.start(
                String.join(
                    "\n",
                    "shutdown-timeout = 2s",
                    "components { waited {",
                    "  socket = \"inet://127.0.0.1:0\", flags = [ wait ]",
                    // perl-base is essential on Debian: a tiny server that accepts once on fd 0.
                    "  command = [ /usr/bin/perl, -e, \"" + ACCEPT_ONCE + "\" ]",
                    "} }"))) {
      int port = p.port("waited");
      String first;
      try (Client c = Client.to(port)) {
        first = c.readAll();
      }
      assertTrue(first.startsWith("served by "), first);
      logs.awaitLine("component waited: pid", "listening again");
      String second;
      try (Client c = Client.to(port)) {
        second = c.readAll();
      }
      assertTrue(second.startsWith("served by "), second);
      assertNotEquals(first, second, "each connection came to a new child");
      Matcher m =
          Pattern.compile("started pid (\\d+) on the listening socket")
              .matcher(String.join("\n", logs.lines()));
      int starts = 0;
      while (m.find()) starts++;
      assertEquals(2, starts);
    }
  }

  @Test
  void maxRateCountsTheProgramsStartedAndHoldsTheNextConnectionBack() throws Exception {
    try (LogCapture logs = new LogCapture();
        RunningPorter p =
            RunningPorter.start(
                String.join(
                    "\n",
                    "shutdown-timeout = 1s",
                    "components { waited {",
                    "  socket = \"inet://127.0.0.1:0\", flags = [ wait ], max-rate = 1",
                    "  command = [ /usr/bin/perl, -e, \"" + ACCEPT_ONCE + "\" ]",
                    "} }"))) {
      int port = p.port("waited");
      try (Client c = Client.to(port)) {
        assertTrue(c.readAll().startsWith("served by "));
      }
      logs.awaitLine("component waited: pid", "listening again");
      try (Client held = Client.to(port)) {
        logs.awaitLine("component waited: max-rate reached; the next program starts in");
        long starts =
            logs.lines().stream().filter(l -> l.contains("on the listening socket (wait)")).count();
        assertEquals(1, starts, "a second program started within the minute");
      }
    }
  }
}
