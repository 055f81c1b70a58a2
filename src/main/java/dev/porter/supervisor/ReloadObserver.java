package dev.porter.supervisor;

/**
 * What the outside hears of porter's reloads (systemd: RELOADING=1, then READY=1 and a status
 * line).
 */
public interface ReloadObserver {
  /** A reload begins (it reads the configuration next). */
  void reloading();

  /** The reload ended, applied or refused. */
  void reloaded(ReloadOutcome outcome);

  ReloadObserver NONE =
      new ReloadObserver() {
        @Override
        public void reloading() {}

        @Override
        public void reloaded(ReloadOutcome outcome) {}
      };
}
