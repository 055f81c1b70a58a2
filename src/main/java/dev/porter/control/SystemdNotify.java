package dev.porter.control;

import dev.porter.net.Closeables;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how porter is doing, through the datagram socket named by {@code NOTIFY_SOCKET}
 * (sd_notify(3)): {@code READY=1} once porter serves, {@code RELOADING=1} and {@code READY=1}
 * around a reload, {@code STOPPING=1} at shutdown. The name may be a path or, with a leading
 * {@code @}, an abstract socket (Linux). Without the variable every call does nothing. A lost
 * notification is logged, never fatal: porter serves whether or not systemd hears it.
 */
public final class SystemdNotify implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.control");

  /** The variable systemd sets for {@code Type=notify} services (sd_notify(3)). */
  public static final String ENV = "NOTIFY_SOCKET";

  private final Optional<UnixSocketAddress> target;
  private final Optional<UnixDatagramChannel> channel;

  private SystemdNotify(Optional<UnixSocketAddress> target, Optional<UnixDatagramChannel> channel) {
    this.target = target;
    this.channel = channel;
  }

  /** A notifier for {@code env}'s {@code NOTIFY_SOCKET}; one that does nothing when it is unset. */
  public static SystemdNotify fromEnvironment(Map<String, String> env) {
    String name = env.getOrDefault(ENV, "");
    if (name.isEmpty()) return new SystemdNotify(Optional.empty(), Optional.empty());
    if (!name.startsWith("/") && !name.startsWith("@")) {
      log.warn(
          "systemd: NOTIFY_SOCKET={} is neither a path nor an abstract name; not notifying", name);
      return new SystemdNotify(Optional.empty(), Optional.empty());
    }
    // sd_notify(3): a leading "@" stands for the NUL byte that starts an abstract address.
    String address = name.startsWith("@") ? "\0" + name.substring(1) : name;
    try {
      return new SystemdNotify(
          Optional.of(new UnixSocketAddress(address)), Optional.of(UnixDatagramChannel.open()));
    } catch (IOException e) {
      log.warn("systemd: cannot open a socket for NOTIFY_SOCKET={}: {}", name, e.getMessage());
      return new SystemdNotify(Optional.empty(), Optional.empty());
    }
  }

  /**
   * Porter serves: {@code READY=1}, its pid (porter may run under a wrapper script) and a status.
   */
  public void ready(String status) {
    send("READY=1\nMAINPID=" + ProcessHandle.current().pid() + "\nSTATUS=" + status);
  }

  /**
   * A reload begins. systemd 253 and later want {@code MONOTONIC_USEC} with it for {@code
   * Type=notify-reload} (systemd.service(5)); HotSpot's {@code System.nanoTime} on Linux reads
   * CLOCK_MONOTONIC, the clock systemd means.
   */
  public void reloading() {
    send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading");
  }

  /** Porter begins to shut down. */
  public void stopping() {
    send("STOPPING=1\nSTATUS=shutting down");
  }

  private synchronized void send(String message) {
    if (target.isEmpty()) return;
    try {
      ByteBuffer b = ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8));
      channel.get().send(b, target.get());
      log.debug("systemd: sent {}", message.replace('\n', ' '));
    } catch (IOException e) {
      log.warn("systemd: cannot notify {}: {}", target.get().humanReadablePath(), e.getMessage());
    }
  }

  @Override
  public void close() {
    channel.ifPresent(Closeables::closeQuietly);
  }
}
