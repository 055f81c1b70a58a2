#!/usr/bin/env bash
# relay-throughput.sh - porter's route next to the proxies people already run, in one go.
#
#   bench/relay-throughput.sh            (as root on Debian: installs iperf3 haproxy socat rinetd)
#
# 1. Throughput: iperf3 (one stream, DUR seconds, REPS rounds, targets interleaved) to an
#    iperf3 server directly and through porter (route), haproxy (mode tcp, one thread), socat
#    (fork) and rinetd. Besides Gbit/s it reports each proxy's CPU seconds per GB relayed
#    (utime+stime from /proc, children included), which stays meaningful on a busy machine where
#    Gbit/s swing with the load.
# 2. Memory: IDLE_CONNS idle relayed connections (each checked with a 16-byte echo) through a
#    fresh porter and haproxy in front of an echo backend (porter's builtin echo, another process;
#    rinetd is left out: it multiplexes with select(2), which stops at 1024 descriptors); reported
#    as the proxy's RSS growth per connection, and porter's live Java heap growth (after a full
#    GC) per connection, after a warm-up of 200
#    connections opened and closed so one-time costs (class loading, JIT, pools) are not counted.
#    A relayed connection takes two descriptors in the proxy: IDLE_CONNS is capped to what the
#    hard RLIMIT_NOFILE allows.
#
# Environment: PARTS ("tput idle": either or both), BASE_PORT (27300: uses BASE..BASE+12 on 127.0.0.1), REPS (3), DUR (4),
# IDLE_CONNS (10000), PORTER_JAVA_OPTS (JVM options for the porter under test, default
# -XX:+UseSerialGC; set it empty for the JVM's defaults),
# OUT (a directory for the raw results; default a new one under /tmp).
# Results: a Markdown table on stdout; RESULT lines and iperf3 JSON in $OUT.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=${BASE_PORT:-27300}
REPS=${REPS:-3}
DUR=${DUR:-4}
IDLE_CONNS=${IDLE_CONNS:-10000}
# The serial collector suits a daemon with a small heap and a few threads: with G1 (the JVM's
# default on 2+ cores) porter's RSS per idle connection is about 1.8x higher for the same live heap.
PORTER_JAVA_OPTS=${PORTER_JAVA_OPTS--XX:+UseSerialGC}
OUT=${OUT:-$(mktemp -d /tmp/porter-relay-bench.XXXXXX)}
JAR=$ROOT/target/porter.jar
mkdir -p "$OUT"
: >"$OUT/pids"

need=()
for tool in iperf3 haproxy socat rinetd python3; do command -v "$tool" >/dev/null || need+=("$tool"); done
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then echo "missing: ${need[*]} (install them, or run as root)" >&2; exit 1; fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)
ulimit -n "$(ulimit -Hn)"

# Everything started here is recorded, and exactly that is stopped on the way out.
started() { echo "$1 $2" >>"$OUT/pids"; }
stop() { # pid -> stops it and waits (bounded) until it is gone, so its port is free again
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do [ -e "/proc/$1" ] || return 0; sleep 0.1; done
}
cleanup() { while read -r pid _; do kill "$pid" 2>/dev/null || true; done <"$OUT/pids"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

await_port() { # port -> waits up to 15 s for a listener
  for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2; return 1
}

await_ready() { # file -> waits (bounded: 10 minutes) for idle-clients.py to say READY
  for _ in $(seq 1200); do grep -q READY "$1" 2>/dev/null && return 0; sleep 0.5; done
  echo "idle clients never got ready: $(cat "$1")" >&2; return 1
}

porter_conf() { # file component listen-port backend-port
  printf 'components {\n  %s { socket = "inet://127.0.0.1:%s", route = "inet://127.0.0.1:%s" }\n}\n' "$2" "$3" "$4" >"$1"
}
start_porter() { # name conf -> pid
  # shellcheck disable=SC2086
  java $PORTER_JAVA_OPTS -jar "$JAR" run -c "$2" >"$OUT/$1.log" 2>&1 &
  local pid=$!; started "$pid" "$1"; echo "$pid"
}
haproxy_conf() { # file listen-port backend-port maxconn
  cat >"$1" <<HAP
global
	maxconn $4
	nbthread 1
defaults
	mode tcp
	timeout connect 5s
	timeout client 10m
	timeout server 10m
frontend fe
	bind 127.0.0.1:$2
	default_backend be
backend be
	server s1 127.0.0.1:$3
HAP
}
start_haproxy() { # name conf -> pid
  haproxy -db -f "$2" >"$OUT/$1.log" 2>&1 &
  local pid=$!; started "$pid" "$1"; echo "$pid"
}
start_rinetd() { # name listen-port backend-port -> pid
  printf '127.0.0.1 %s 127.0.0.1 %s\n' "$2" "$3" >"$OUT/$1.conf"
  rinetd -f -c "$OUT/$1.conf" >"$OUT/$1.log" 2>&1 &
  local pid=$!; started "$pid" "$1"; echo "$pid"
}

cpu_ticks() { # pid -> utime+stime+cutime+cstime in clock ticks
  awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"
}
rss_kib() { # pid -> resident set in KiB
  awk '/^Rss:/{print $2}' "/proc/$1/smaps_rollup"
}
live_heap_kib() { # label pid -> a JVM's live heap in KiB (the histogram forces a full GC), or 0
  if [ "$1" = porter ]; then
    jcmd "$2" GC.class_histogram 2>/dev/null | awk '$1 == "Total" {printf "%d\n", $3 / 1024}'
  else
    echo 0
  fi
}

PARTS=${PARTS:-tput idle}
: >"$OUT/tput.txt"
: >"$OUT/idle.txt"
declare -A PID

# ---------------------------------------------------------------- throughput
if [[ " $PARTS " == *" tput "* ]]; then
iperf3 -s -B 127.0.0.1 -p "$BASE" >"$OUT/iperf3-server.log" 2>&1 &
started $! iperf3-server
porter_conf "$OUT/porter-tput.conf" tput $((BASE + 1)) "$BASE"
PID[porter]=$(start_porter porter-tput "$OUT/porter-tput.conf")
haproxy_conf "$OUT/haproxy-tput.cfg" $((BASE + 2)) "$BASE" 1000
PID[haproxy]=$(start_haproxy haproxy-tput "$OUT/haproxy-tput.cfg")
socat "TCP-LISTEN:$((BASE + 3)),bind=127.0.0.1,reuseaddr,fork,backlog=1024" "TCP:127.0.0.1:$BASE" >"$OUT/socat.log" 2>&1 &
PID[socat]=$!; started "${PID[socat]}" socat
PID[rinetd]=$(start_rinetd rinetd-tput $((BASE + 4)) "$BASE")
PID[direct]=
for p in "$BASE" $((BASE + 1)) $((BASE + 2)) $((BASE + 3)) $((BASE + 4)); do await_port "$p"; done
declare -A PORT=([direct]=$BASE [porter]=$((BASE + 1)) [haproxy]=$((BASE + 2)) [socat]=$((BASE + 3)) [rinetd]=$((BASE + 4)))
TARGETS="direct porter haproxy socat rinetd"

# One unmeasured round: the JVM compiles porter's hot path, the others get their caches warm.
for t in $TARGETS; do iperf3 -c 127.0.0.1 -p "${PORT[$t]}" -t 2 >/dev/null 2>&1 || true; sleep 0.5; done

echo "## iperf3, 1 stream, ${DUR}s x $REPS rounds, load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for r in $(seq "$REPS"); do
  for t in $TARGETS; do
    pid=${PID[$t]}
    c0=0; [ -n "$pid" ] && c0=$(cpu_ticks "$pid")
    iperf3 -c 127.0.0.1 -p "${PORT[$t]}" -t "$DUR" -O 1 -J >"$OUT/iperf-$t-$r.json" 2>&1 || true
    sleep 0.5 # socat's forked child is reaped, and counted in cstime, only once it has exited
    c1=0; [ -n "$pid" ] && c1=$(cpu_ticks "$pid")
    python3 - "$OUT/iperf-$t-$r.json" "$t" "$c0" "$c1" "$(getconf CLK_TCK)" <<'PY' | tee -a "$OUT/tput.txt" >&2
import json, sys
f, label, c0, c1, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
try:
    end = json.load(open(f))["end"]
    bps, nbytes = end["sum_received"]["bits_per_second"], end["sum_received"]["bytes"]
except Exception as e:
    print(f"{label}: iperf3 failed ({e})")
    sys.exit(0)
cpu = (c1 - c0) / hz
per_gb = cpu / (nbytes / 1e9) if label != "direct" else 0.0
print(f"RESULT mode=tput label={label} gbps={bps / 1e9:.3f} cpu_s={cpu:.2f} cpu_s_per_gb={per_gb:.3f}")
PY
    sleep 1
  done
done

for t in porter haproxy rinetd socat; do stop "${PID[$t]}"; done
fi

# ---------------------------------------------------------------- idle memory
if [[ " $PARTS " == *" idle "* ]]; then
hard=$(ulimit -Hn)
CONNS=$IDLE_CONNS
if ((2 * CONNS + 300 > hard)); then CONNS=$(((hard - 300) / 2)); fi
echo "## memory per idle relayed connection: $CONNS connections (hard RLIMIT_NOFILE $hard)" >&2
ECHO=$((BASE + 10))
printf 'components {\n  echo { socket = "inet://127.0.0.1:%s", builtin = echo }\n}\n' "$ECHO" >"$OUT/echo.conf"
echo_pid=$(java -jar "$JAR" run -c "$OUT/echo.conf" >"$OUT/echo.log" 2>&1 & echo $!)
started "$echo_pid" echo-backend
await_port "$ECHO"

for r in $(seq "$REPS"); do
  for t in porter haproxy; do
    port=$((BASE + 11))
    case $t in
      porter) porter_conf "$OUT/porter-idle.conf" idle "$port" "$ECHO"; pid=$(start_porter porter-idle "$OUT/porter-idle.conf") ;;
      haproxy) haproxy_conf "$OUT/haproxy-idle.cfg" "$port" "$ECHO" $((CONNS + 10)); pid=$(start_haproxy haproxy-idle "$OUT/haproxy-idle.cfg") ;;
    esac
    await_port "$port"
    rm -f "$OUT/warm.out" "$OUT/idle.out" # a stale READY line must not end the waits below
    python3 "$ROOT/bench/idle-clients.py" "$port" 200 >"$OUT/warm.out" 2>&1 &
    w=$!; started "$w" warm-up
    await_ready "$OUT/warm.out"
    stop "$w"; sleep 2
    heap0=$(live_heap_kib "$t" "$pid")
    rss0=$(rss_kib "$pid")
    python3 "$ROOT/bench/idle-clients.py" "$port" "$CONNS" >"$OUT/idle.out" 2>&1 &
    c=$!; started "$c" idle-clients
    await_ready "$OUT/idle.out"
    sleep 2
    rss1=$(rss_kib "$pid")
    heap1=$(live_heap_kib "$t" "$pid")
    ready=$(grep READY "$OUT/idle.out")
    stop "$c"; stop "$pid"
    python3 - "$t" "$rss0" "$rss1" "$heap0" "$heap1" "$ready" <<'PY' | tee -a "$OUT/idle.txt" >&2
import sys
label, rss0, rss1, heap0, heap1, ready = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
n = int(ready.split()[1]) or 1
print(f"RESULT mode=idle label={label} conns={n} rss0_kib={rss0} rss1_kib={rss1} kib_per_conn={(rss1 - rss0) / n:.2f}"
      f" live_heap_kib_per_conn={(heap1 - heap0) / n:.2f} ({ready})")
PY
    sleep 1
  done
done

fi

# ---------------------------------------------------------------- summary
python3 - "$OUT/tput.txt" "$OUT/idle.txt" <<'PY'
import collections, statistics, sys
def rows(path):
    d = collections.OrderedDict()
    for line in open(path):
        if line.startswith("RESULT "):
            kv = dict(x.split("=", 1) for x in line.split()[1:] if "=" in x)
            d.setdefault(kv["label"], []).append(kv)
    return d
def med(rs, key):
    v = [float(r[key]) for r in rs]
    return statistics.median(v), min(v), max(v)
tput = rows(sys.argv[1])
hap = med(tput["haproxy"], "gbps")[0] if "haproxy" in tput else None
hap_cpu = med(tput["haproxy"], "cpu_s_per_gb")[0] if "haproxy" in tput else None
if tput:
    print("| target | Gbit/s median (min-max) | vs haproxy | proxy CPU s/GB median | vs haproxy |")
    print("|---|---|---|---|---|")
for label, rs in tput.items():
    g, lo, hi = med(rs, "gbps")
    c = med(rs, "cpu_s_per_gb")[0]
    ratio = f"{g / hap:.2f}x" if hap else "-"
    cratio = f"{c / hap_cpu:.2f}x" if hap_cpu and label != "direct" else "-"
    cpu = f"{c:.3f}" if label != "direct" else "-"
    print(f"| {label} | {g:.2f} ({lo:.2f}-{hi:.2f}) | {ratio} | {cpu} | {cratio} |")
idle = rows(sys.argv[2])
hk = med(idle["haproxy"], "kib_per_conn")[0] if "haproxy" in idle else None
if idle:
    print()
    print("| proxy | connections | RSS KiB per idle connection, median (min-max) | vs haproxy | live Java heap KiB per connection |")
    print("|---|---|---|---|---|")
for label, rs in idle.items():
    k, lo, hi = med(rs, "kib_per_conn")
    heap = f"{med(rs, 'live_heap_kib_per_conn')[0]:.2f}" if label == "porter" else "-"
    ratio = f"{k / hk:.2f}x" if hk else "-"
    print(f"| {label} | {rs[0]['conns']} | {k:.2f} ({lo:.2f}-{hi:.2f}) | {ratio} | {heap} |")
PY
echo "raw results: $OUT" >&2
