#!/bin/sh
# %preun for porter: like %systemd_preun: on erase (not upgrade), disable and stop the service.
if [ "$1" -eq 0 ] && command -v systemctl >/dev/null 2>&1; then
  if [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now porter.service >/dev/null 2>&1 || :
  else
    systemctl --no-reload disable porter.service >/dev/null 2>&1 || :
  fi
fi
exit 0
