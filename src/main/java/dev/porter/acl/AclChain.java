package dev.porter.acl;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Layered ACLs (global, then master, then subordinate): every layer must allow. */
public final class AclChain {
  /** One named layer of a chain, e.g. {@code global} or {@code master}. */
  public record Layer(String name, Acl acl) {}

  private final List<Layer> layers;

  public AclChain(List<Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  /** A chain of one more layer after this one's. */
  public AclChain then(String name, Acl acl) {
    List<Layer> l = new ArrayList<>(layers);
    l.add(new Layer(name, acl));
    return new AclChain(l);
  }

  /** The name of the first layer that refuses the client, or empty when all allow. */
  public Optional<String> refusingLayer(SocketAddress client) {
    for (Layer l : layers) {
      if (!l.acl().allows(client)) return Optional.of(l.name());
    }
    return Optional.empty();
  }
}
