package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Layered ACLs (global, master, subordinate) and the connection limits, from a client's side. */
class AccessAndLimitsIT {
  static RunningPorter porter;

  @BeforeAll
  static void start() throws Exception {
    String cfg =
        String.join(
            "\n",
            "shutdown-timeout = 1s",
            "acl = [ \"deny from 127.0.0.9\", \"allow any\" ]",
            "acls { trusted = [ \"allow from 127.0.0.0/29\", \"deny any\" ] }",
            "components {",
            "  mux { socket = \"inet://127.0.0.1:0\", builtin = tcpmux, acl = trusted }",
            "  open { tcpmux-master = mux, builtin = echo }",
            "  narrow { tcpmux-master = mux, builtin = echo, acl = [ \"allow from 127.0.0.1\","
                + " \"deny any\" ] }",
            "  one { tcpmux-master = mux, builtin = echo, max-instances = 1,",
            "        max-instances-message = \"only one at a time\" }",
            "  plain { socket = \"inet://127.0.0.1:0\", builtin = echo, max-instances = 1,",
            "          max-instances-message = \"busy, come back later\" }",
            "  rated { socket = \"inet://127.0.0.1:0\", builtin = daytime, max-rate = 2 }",
            "}");
    porter = RunningPorter.start(cfg);
  }

  @AfterAll
  static void stop() throws Exception {
    porter.close();
  }

  @Test
  void theGlobalLayerRefusesFirstAndSaysSo() throws Exception {
    try (LogCapture logs = new LogCapture();
        Client c = Client.from("127.0.0.9", porter.port("mux"))) {
      assertEquals("-access denied\r\n", c.readAll());
      logs.awaitLine("component mux: refused 127.0.0.9:", "(acl global)");
    }
  }

  @Test
  void theMastersLayerRefusesClientsItDoesNotTrust() throws Exception {
    try (LogCapture logs = new LogCapture();
        Client c = Client.from("127.0.0.20", porter.port("mux"))) {
      assertEquals("-access denied\r\n", c.readAll());
      logs.awaitLine("component mux: refused 127.0.0.20:", "(acl master)");
    }
  }

  @Test
  void theSubordinatesLayerDecidesLastAndHelpFollowsIt() throws Exception {
    try (Client c = Client.from("127.0.0.2", porter.port("mux"))) {
      c.send("narrow\r\n");
      assertEquals("-access denied\r\n", c.readAll());
    }
    try (Client c = Client.from("127.0.0.1", porter.port("mux"))) {
      c.send("narrow\r\nok");
      assertEquals("+\r\nok", c.readN("+\r\nok"));
    }
    try (Client c = Client.from("127.0.0.2", porter.port("mux"))) {
      c.send("help\r\n");
      assertEquals("open\r\none\r\n", c.readAll());
    }
    try (Client c = Client.from("127.0.0.1", porter.port("mux"))) {
      c.send("help\r\n");
      assertEquals("open\r\nnarrow\r\none\r\n", c.readAll());
    }
  }

  @Test
  void maxInstancesRefusesTheExcessWithItsMessageBehindTheMaster() throws Exception {
    try (LogCapture logs = new LogCapture();
        Client first = Client.to(porter.port("mux"))) {
      first.send("one\r\n");
      assertEquals("+\r\n", first.readLine());
      try (Client second = Client.to(porter.port("mux"))) {
        second.send("one\r\n");
        assertEquals("-only one at a time\r\n", second.readAll());
      }
      logs.awaitLine("component one: refused 127.0.0.1:", "(max-instances)");
      first.send("x");
      assertEquals("x", first.readN("x"));
    }
    // The slot is free again once the first client has gone.
    dev.porter.testing.Await.until(
        "the slot of 'one' to be released", () -> porter.porter().activeConnections() == 0);
    try (Client again = Client.to(porter.port("mux"))) {
      again.send("one\r\n");
      assertEquals("+\r\n", again.readLine());
    }
  }

  @Test
  void maxInstancesOnAPlainPortSendsTheMessageAndCloses() throws Exception {
    try (Client first = Client.to(porter.port("plain"))) {
      first.send("a");
      assertEquals("a", first.readN("a"));
      try (Client second = Client.to(porter.port("plain"))) {
        assertEquals("busy, come back later\r\n", second.readAll());
      }
    }
  }

  @Test
  void maxRateRefusesConnectionsBeyondTheRateAndLogsIt() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      int served = 0;
      for (int i = 0; i < 4; i++) {
        try (Client c = Client.to(porter.port("rated"))) {
          if (!c.readAll().isEmpty()) served++;
        }
      }
      assertEquals(2, served);
      assertTrue(logs.awaitLine("component rated: refused", "(max-rate)").contains("127.0.0.1"));
    }
  }

  @Test
  void everyConnectionEndIsLoggedWithBytesAndDuration() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      try (Client c = Client.to(porter.port("mux"))) {
        c.send("open\r\n12345");
        assertEquals("+\r\n12345", c.readN("+\r\n12345"));
      }
      logs.awaitLine("component open: closed 127.0.0.1:", "in=11", "out=8", "duration=");
    }
  }
}
