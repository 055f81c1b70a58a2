#!/bin/sh
# %postun for porter: like %systemd_postun_with_restart: reload systemd, and restart porter after
# an upgrade if it was running.
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart porter.service >/dev/null 2>&1 || :
  fi
fi
exit 0
