package dev.porter.mux;

import java.time.Duration;

/**
 * How one client connection enters a link: the component it came through (for logs), the service it
 * asks for at the far end, whether it came through a TCPMUX master (then the far end's {@code +} or
 * {@code -} reply is passed on to it), and its idle timeout (zero: none).
 */
public record Entrance(String component, String service, boolean viaTcpmux, Duration idleTimeout) {}
