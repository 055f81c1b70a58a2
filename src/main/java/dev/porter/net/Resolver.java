package dev.porter.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Turns a route's host into an address without blocking an event loop: a literal address is read at
 * once; a name is looked up on a small pool of worker threads (getaddrinfo blocks) and the answer
 * comes back on the loop. The JDK caches answers (networkaddress.cache.ttl, 30 s by default), so a
 * busy route costs one lookup per TTL, not one per connection.
 *
 * <p>Lookups for connections' backends share the pool and may queue behind each other; an attempt
 * that must never wait behind them (a mux link's reconnect: see {@link Connector.Lookup}) gets a
 * thread of its own.
 */
final class Resolver {
  /** Lookups in parallel: a handful covers a slow DNS server without a thread per connection. */
  private static final int THREADS = 4;

  /** Idle lookup threads end after this long. */
  private static final long KEEP_ALIVE_SECONDS = 30;

  static final ThreadPoolExecutor POOL = pool();

  /**
   * A thread per {@link Connector.Lookup#OWN_THREAD} lookup. Their number is bounded by their
   * users: a mux link has one attempt in flight at a time, and a lookup it gave up on ends with
   * getaddrinfo's own timeout (resolv.conf(5): 5 s per try and server, 2 tries).
   */
  static final ThreadPoolExecutor OWN_THREADS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          KEEP_ALIVE_SECONDS,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          daemons("porter-resolver-own-"));

  private Resolver() {}

  private static ThreadPoolExecutor pool() {
    ThreadPoolExecutor p =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            daemons("porter-resolver-"));
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Resolves {@code host}; {@code done} or {@code failed} (with a reason) runs on {@code loop}, the
   * first at once when the host is a literal address.
   */
  static void resolve(
      EventLoop loop,
      String host,
      int port,
      Connector.Lookup lookup,
      Consumer<InetSocketAddress> done,
      Consumer<String> failed) {
    if (isLiteral(host)) {
      try {
        done.accept(new InetSocketAddress(InetAddress.getByName(host), port));
      } catch (UnknownHostException e) {
        failed.accept("invalid address " + host);
      }
      return;
    }
    (lookup == Connector.Lookup.OWN_THREAD ? OWN_THREADS : POOL)
        .execute(
            () -> {
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
