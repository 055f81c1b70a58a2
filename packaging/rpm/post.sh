#!/bin/sh
# %post for porter: like Fedora's %systemd_post: apply the preset policy on first install
# (Fedora and RHEL presets leave new services disabled), and tell a running systemd.
if [ "$1" -eq 1 ] && command -v systemctl >/dev/null 2>&1; then
  systemctl --no-reload preset porter.service >/dev/null 2>&1 || :
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || :
fi
exit 0
