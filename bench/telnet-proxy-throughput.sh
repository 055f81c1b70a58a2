#!/usr/bin/env bash
# telnet-proxy-throughput.sh - porter's telnet proxy next to libtelnet's telnet-proxy and socat.
#
#   bench/telnet-proxy-throughput.sh     (as root on Debian: installs libtelnet-utils socat)
#
# One connection streams well-formed TELNET data (16 KiB writes of printable ASCII; in the "iac1"
# round 1% of the data bytes are 0xFF, sent escaped as IAC IAC) through a relay to a one-thread
# NIO echo server and back; the echoed MB/s are counted for DUR seconds after a 1 s warm-up, and
# every echoed byte is compared with what was sent (intact=true). Relays, same harness:
#   socat        plain byte relay (fork), the reference
#   libtelnet    telnet-proxy (libtelnet 0.21), stdout to /dev/null; started fresh per run (it
#                serves one client at a time)
#   porter       builtin telnet-proxy (porter run -c), no telnet-log
#   porter-cli   porter telnet-proxy HOST PORT LISTEN-PORT, events printed to /dev/null
#                (lines the writer cannot keep up with are dropped and counted, never waited for)
# Besides MB/s it reports each relay's CPU seconds per GB echoed (utime+stime from /proc, reaped
# children included: socat's forks), which stays comparable when other work on the machine makes
# the MB/s swing.
# Environment: BASE_PORT (27400: uses BASE..BASE+5 on 127.0.0.1), REPS (3), DUR (4),
# PORTER_JAVA_OPTS (-XX:+UseSerialGC), OUT (raw results; default a new directory under /tmp).
# Results: a Markdown table (median, min-max MB/s, and the ratio to socat's median) on stdout.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${BASE_PORT:-27400}
REPS=${REPS:-3}
DUR=${DUR:-4}
PORTER_JAVA_OPTS=${PORTER_JAVA_OPTS--XX:+UseSerialGC}
OUT=${OUT:-$(mktemp -d /tmp/porter-telnet-bench.XXXXXX)}
JAR=$ROOT/target/porter.jar
ECHO=$BASE SOCAT=$((BASE + 1)) LIBTELNET=$((BASE + 2)) PORTER=$((BASE + 3)) PORTER_CLI=$((BASE + 4))
mkdir -p "$OUT/classes"
: >"$OUT/pids"

need=()
command -v socat >/dev/null || need+=(socat)
command -v telnet-proxy >/dev/null || need+=(libtelnet-utils)
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then echo "missing: ${need[*]} (install them, or run as root)" >&2; exit 1; fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)
javac -d "$OUT/classes" "$ROOT/bench/TelnetStream.java"
T="java -cp $OUT/classes TelnetStream"

# Everything started here is recorded, and exactly that is stopped on the way out.
started() { echo "$1 $2" >>"$OUT/pids"; }
stop() { # pid -> stops it and waits (bounded) until it is gone, so its port is free again
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do [ -e "/proc/$1" ] || return 0; sleep 0.1; done
}
cleanup() { while read -r pid _; do kill "$pid" 2>/dev/null || true; done <"$OUT/pids"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
cpu() { # pid -> CPU seconds used by it and its reaped children
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15 + $16 + $17) / hz}' "/proc/$1/stat"
}
pid_of() { awk -v n="$1" '$2==n{p=$1} END{print p}' "$OUT/pids"; }
await_port() { # port -> waits up to 15 s for a listener
  for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2; return 1
}

$T echo "$ECHO" >"$OUT/echo.log" 2>&1 & started $! echo
socat "TCP-LISTEN:$SOCAT,bind=127.0.0.1,reuseaddr,fork,backlog=128" "TCP:127.0.0.1:$ECHO" & started $! socat
printf 'components {\n  tp { socket = "inet://127.0.0.1:%s", builtin = telnet-proxy, route = "inet://127.0.0.1:%s" }\n}\n' \
  "$PORTER" "$ECHO" >"$OUT/porter.conf"
# shellcheck disable=SC2086
java $PORTER_JAVA_OPTS -jar "$JAR" run -c "$OUT/porter.conf" >"$OUT/porter.log" 2>&1 & started $! porter
# shellcheck disable=SC2086
java $PORTER_JAVA_OPTS -jar "$JAR" telnet-proxy --bind 127.0.0.1 127.0.0.1 "$ECHO" "$PORTER_CLI" \
  >/dev/null 2>"$OUT/porter-cli.log" & started $! porter-cli
for p in "$ECHO" "$SOCAT" "$PORTER" "$PORTER_CLI"; do await_port "$p"; done

for r in $(seq "$REPS"); do
  for iac in 0 1; do
    for t in socat:$SOCAT libtelnet:$LIBTELNET porter:$PORTER porter-cli:$PORTER_CLI; do
      lab=${t%%:*} port=${t#*:} tp=""
      if [ "$lab" = libtelnet ]; then
        telnet-proxy 127.0.0.1 "$ECHO" "$LIBTELNET" >/dev/null 2>&1 & tp=$!; started "$tp" libtelnet
        await_port "$LIBTELNET" # this probe is telnet-proxy's one client: start it again for the run
        stop "$tp"
        # telnet-proxy exits when its client goes: a shell waits for it (so its CPU time lands in
        # the shell's reaped-children count), then stays as a sleep until stopped.
        sh -c 'telnet-proxy 127.0.0.1 "$1" "$2" >/dev/null 2>&1 & p=$!; trap "kill $p; exit 0" TERM; wait $p; exec sleep 120' \
          sh "$ECHO" "$LIBTELNET" & tp=$!; started "$tp" libtelnet
        sleep 0.5
      fi
      pid=$(pid_of "$lab") c0=$(cpu "$pid")
      res=$(timeout 60 $T stream "$port" "$DUR" "$iac" "$lab")
      sleep 0.3 # socat reaps its fork
      echo "$res cpu=$(echo "$(cpu "$pid") - $c0" | bc)" | tee -a "$OUT/results.txt"
      [ -n "$tp" ] && stop "$tp"
      sleep 0.5
    done
  done
done

python3 - "$OUT/results.txt" <<'PY'
import sys, statistics, collections, re
runs = collections.OrderedDict()
intact = collections.defaultdict(lambda: True)
cost = collections.defaultdict(list)
for line in open(sys.argv[1]):
    m = dict(re.findall(r'(\w+)=(\S+)', line))
    if 'MBps' not in m: continue
    key = (m['label'], 'ascii' if float(m['iac']) == 0 else '1% IAC')
    runs.setdefault(key, []).append(float(m['MBps']))
    intact[key] &= m['intact'] == 'true'
    cost[key].append(float(m['cpu']) / (float(m['totalMB']) / 1000))
print('| relay | payload | MB/s median | min-max | vs socat | CPU s/GB | echo intact |')
print('|---|---|---|---|---|---|---|')
for (lab, pay), v in runs.items():
    ref = statistics.median(runs[('socat', pay)])
    med = statistics.median(v)
    print(f'| {lab} | {pay} | {med:.0f} | {min(v):.0f}-{max(v):.0f} | {med / ref:.2f} '
          f'| {statistics.median(cost[(lab, pay)]):.2f} | {intact[(lab, pay)]} |')
PY
echo "raw results: $OUT" >&2
