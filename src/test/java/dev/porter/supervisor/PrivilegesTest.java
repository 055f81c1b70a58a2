package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.porter.config.ConfigLoader;
import dev.porter.config.PorterConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivilegesTest {
  private static final String CONFIG =
      String.join(
          "\n",
          "components {",
          "  web { command = /bin/true, user = www-data }",
          "  tool { command = /bin/true, group = staff }",
          "  plain { command = /bin/true }",
          "}");

  @Test
  void userOrGroupWithoutRootIsAProblemNamingFileLineAndKey() throws Exception {
    PorterConfig cfg = ConfigLoader.parse(CONFIG, "p.conf");
    assertEquals(
        List.of(
            "p.conf:2: components.web.user: changing a child's user or group needs porter to run as"
                + " root; it runs as uid 1000",
            "p.conf:3: components.tool.group: changing a child's user or group needs porter to run"
                + " as root; it runs as uid 1000"),
        Privileges.problems(cfg, 1000));
  }

  @Test
  void rootMayChangeUsers() throws Exception {
    assertEquals(List.of(), Privileges.problems(ConfigLoader.parse(CONFIG, "p.conf"), 0));
  }
}
