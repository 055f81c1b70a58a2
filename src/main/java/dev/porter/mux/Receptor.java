package dev.porter.mux;

import dev.porter.net.Connection;
import dev.porter.net.ConnectionHandler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mux.listen} side of one link: the connections offered there while they prove they
 * carry the link ({@link Candidate}), and whether a proven one becomes the session. With no session
 * up it does at once. While one is up, the session is pinged first: a candidate is refused if the
 * session answers within {@link #PROBE_NANOS}, and takes over if it does not (a far porter that
 * restarted behind a half-dead connection is back after that long); with {@code mux.replace =
 * allow} it replaces the session without asking. Runs on the link's loop.
 */
final class Receptor {
  private static final Logger log = LoggerFactory.getLogger("dev.porter.mux");

  /**
   * Connections waiting to prove they carry the link, at most; one more drops the oldest, so a
   * flood of silent connects cannot keep a far porter that restarted from coming back (it sends its
   * first frame at once). Each holds a descriptor and at most {@link Candidate#MAX_HELD}.
   */
  static final int MAX_CANDIDATES = 8;

  /**
   * How long the current session has to answer a ping before a proven candidate replaces it: a few
   * round trips behind a full output queue ({@link LinkSession#HIGH_WATER}) on a slow path, and
   * well inside the 15 s after which keepalive would only begin to notice.
   */
  static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final MuxLink link;
  private final Set<Candidate> candidates = new LinkedHashSet<>();

  /** The candidate whose claim is being checked with a ping, if any. */
  private Candidate probing;

  Receptor(MuxLink link) {
    this.link = link;
  }

  String name() {
    return link.name();
  }

  /** A connection accepted on mux.listen, now on the link's loop: TLS first, if the link has it. */
  void offer(Connection c) {
    if (link.isClosing()) {
      c.close();
      return;
    }
    Optional<TlsSettings> tls = link.tls();
    if (tls.isEmpty()) {
      c.setHandler(candidate(c, LinkWire.plain(c)));
      return;
    }
    TlsSettings t = tls.get();
    c.setHandler(
        new TlsLink(
            t.serverEngine(),
            new TlsLink.Listener() {
              @Override
              public ConnectionHandler established(Connection conn, TlsLink wire) {
                if (link.isClosing()) return null;
                Optional<String> refusal = t.peerRefusal(wire.peerCertificate());
                if (refusal.isPresent()) {
                  log.warn(
                      "component {}: refused {} (mux.tls.peers): {}",
                      name(),
                      conn.client(),
                      refusal.get());
                  return null;
                }
                return candidate(conn, wire);
              }

              @Override
              public void failed(Connection conn, String reason, boolean established) {
                link.tlsFailed(conn, Yamux.Role.SERVER, reason, established);
              }
            }));
  }

  private Candidate candidate(Connection c, LinkWire wire) {
    if (candidates.size() >= MAX_CANDIDATES) {
      candidates
          .iterator()
          .next()
          .fail(
              "more than "
                  + MAX_CANDIDATES
                  + " connections are waiting to carry the link, and it is the oldest");
    }
    Candidate k = new Candidate(this, c, wire);
    candidates.add(k);
    return k;
  }

  /**
   * {@code k} sent a valid first frame: it becomes the session, or is refused (see the class
   * comment).
   */
  void proven(Candidate k) {
    if (link.isClosing()) {
      k.fail("the link is closing");
      return;
    }
    Optional<LinkSession> current = link.session();
    if (current.isEmpty()) {
      promote(k);
      return;
    }
    LinkSession old = current.get();
    if (link.replaceAllowed()) {
      log.info(
          "component {}: a new connection from {} replaces the link with {} (mux.replace = allow)",
          name(),
          k.peerText(),
          old.peerText());
      promote(k);
      return;
    }
    if (probing != null) {
      refuse(k, "another connection's claim is being checked");
      return;
    }
    probing = k;
    old.probe(
        PROBE_NANOS,
        answered -> {
          if (probing == k) probing = null;
          if (!k.isProven()) return; // it went away meanwhile
          if (link.isClosing()) {
            k.fail("the link is closing");
          } else if (answered && link.session().orElse(null) == old) {
            refuse(
                k,
                "the link with "
                    + old.peerText()
                    + " is alive (it answered a ping; mux.replace = allow would"
                    + " replace it)");
          } else {
            log.info(
                "component {}: the link with {} did not answer a ping within {}s; {} takes it over",
                name(),
                old.peerText(),
                TimeUnit.NANOSECONDS.toSeconds(PROBE_NANOS),
                k.peerText());
            promote(k);
          }
        });
  }

  /** {@code k} closed or failed: it waits no more. */
  void gone(Candidate k) {
    candidates.remove(k);
  }

  /** The link is closing: every candidate is dropped. */
  void closeAll() {
    for (Candidate k : new ArrayList<>(candidates)) k.fail("the link is closing");
    candidates.clear();
  }

  private void refuse(Candidate k, String why) {
    candidates.remove(k);
    log.warn(
        "component {}: refused {} as a new connection for the link: {}", name(), k.peerText(), why);
    k.refuse();
  }

  private void promote(Candidate k) {
    candidates.remove(k);
    // The decision is logged already: the old session only says it is down, and why.
    link.session().ifPresent(old -> old.end("replaced by " + k.peerText()));
    k.takeOver(link.startSession(k.conn, k.wire, Yamux.Role.SERVER));
  }
}
