package dev.porter.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.porter.testing.Await;
import dev.porter.testing.Client;
import dev.porter.testing.LogCapture;
import dev.porter.testing.RunningPorter;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MuxLinkIT {
  private RunningPorter receptor;
  private RunningPorter connector;

  @AfterEach
  void stop() throws Exception {
    if (connector != null) connector.close();
    if (receptor != null) receptor.close();
  }

  private void startPair(String receptorComponents, String connectorComponents) throws Exception {
    receptor = RunningPorter.start("shutdown-timeout = 1s\ncomponents {\n"
        + "  link { mode = mux, mux.listen = \"inet://127.0.0.1:0\" }\n" + receptorComponents + "\n}\n");
    int port = receptor.port("link");
    connector = RunningPorter.start("shutdown-timeout = 1s\ncomponents {\n"
        + "  link { mode = mux, mux.connect = \"inet://127.0.0.1:" + port + "\" }\n" + connectorComponents + "\n}\n");
    Await.until("the link is up", Duration.ofSeconds(10),
        () -> connector.porter().link("link").orElseThrow().isUp()
            && receptor.porter().link("link").orElseThrow().isUp());
  }

  @Test
  void anEntranceReachesAnExitOnTheOtherSide() throws Exception {
    startPair("  echo-exit { mux-link = link, service = echo, builtin = echo }",
        "  to-echo { socket = \"inet://127.0.0.1:0\", route = \"mux://link/echo\" }");
    try (Client c = Client.to(connector.port("to-echo"))) {
      c.send("hello\n");
      assertEquals("hello\n", c.readLine());
    }
  }

  @Test
  void anUnknownNameIsRefusedAndTheReasonLogged() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      startPair("", "  nowhere { socket = \"inet://127.0.0.1:0\", route = \"mux://link/nosuch\" }");
      try (Client c = Client.to(connector.port("nowhere"))) {
        assertTrue(c.closedByServer());
      }
      logs.awaitLine("component nowhere", "refused by the far end of link link", "unknown service");
    }
  }
}
