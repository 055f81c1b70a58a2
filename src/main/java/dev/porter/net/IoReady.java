package dev.porter.net;

/** What a selection key's attachment does when its channel is ready; called on the owning loop. */
interface IoReady {
  void ready(int readyOps);

  /** Called when {@link #ready} threw: the channel's owner must release it. */
  void failed(RuntimeException e);
}
