package dev.porter.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Turns a route's host into an address without blocking an event loop: a literal address is read
 * at once; a name is looked up on a small pool of worker threads (getaddrinfo blocks) and the answer
 * comes back on the loop. The JDK caches answers (networkaddress.cache.ttl, 30 s by default), so a
 * busy route costs one lookup per TTL, not one per connection.
 */
final class Resolver {
  /** Lookups in parallel: a handful covers a slow DNS server without a thread per connection. */
  private static final int THREADS = 4;

  private static final ThreadPoolExecutor POOL = pool();

  private Resolver() {}

  private static ThreadPoolExecutor pool() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor p = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "porter-resolver-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  /**
   * Resolves {@code host}; {@code done} or {@code failed} (with a reason) runs on {@code loop}, the
   * first at once when the host is a literal address.
   */
  static void resolve(EventLoop loop, String host, int port, Consumer<InetSocketAddress> done,
      Consumer<String> failed) {
    if (isLiteral(host)) {
      try {
        done.accept(new InetSocketAddress(InetAddress.getByName(host), port));
      } catch (UnknownHostException e) {
        failed.accept("invalid address " + host);
      }
      return;
    }
    POOL.execute(() -> {
      try {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(host), port);
        loop.execute(() -> done.accept(a));
      } catch (UnknownHostException e) {
        loop.execute(() -> failed.accept("unknown host " + host));
      }
    });
  }

  // InetAddress.getByName never asks DNS about an IPv6 literal or a dotted quad (which Endpoint
  // has checked has four parts).
  static boolean isLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
  }
}
