#!/bin/bash
# connect-rate.sh - porter vs xinetd connection rate, side by side on one workload.
#
#   bench/connect-rate.sh            # from the repository root, as root (it may apt-get install xinetd)
#
# Each iteration of every client: connect -> [TCPMUX "NAME\r\n", read the "+" reply] -> 64 bytes ->
# read their echo -> close. Targets, all on 127.0.0.1, run interleaved in every repetition:
#   porter-echo    porter's built-in echo on a plain port        vs  xinetd-echo  xinetd's internal echo
#                  (in process, NIO event loops)                     (xinetd forks a child per connection
#                                                                     for its stream echo; no exec)
#   porter-tcpmux  porter's TCPMUX master, service "echo"        vs  xinetd-cat   xinetd's TCPMUX master,
#                  (built-in echo, in process)                       TCPMUXPLUS service -> /bin/cat (one
#                                                                     process spawned per connection)
# Prints one line per run, then medians per target and concurrency with porter/xinetd ratios. Besides
# conn/s and latency it reports CPU time per connection of the server (porter's JVM; xinetd with the
# children it reaped) and of the client: on a small machine the client's share caps the conn/s seen.
# Stops everything it started, whatever happens. Knobs (environment):
#   CLIENTS="8 64"  client threads per run     DURATION=8  measured seconds   WARMUP=2  warm-up seconds
#   REPS=3          repetitions (medians)      PRIME=3  seconds of unrecorded load per target first
#   PORT_BASE=27000 ports PORT_BASE+1, +7 (porter), +101, +107 (xinetd), +207 (INFO_TOO)
#   PORTER_LOG=WARN porter's log level         INFO_TOO=0  1 adds "porter-echo-info": a second porter
#                                                          logging every connection (the logging cost)
#   PORTER_JAR=FILE the porter jar to run (default target/porter.jar, rebuilt when stale)
#   OUT=FILE        also copy the driver output (with its RESULT lines) there
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLIENTS=${CLIENTS:-"8 64"}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-2}
REPS=${REPS:-3}
PRIME=${PRIME:-3}
PORT_BASE=${PORT_BASE:-27000}
PORTER_LOG=${PORTER_LOG:-WARN}
INFO_TOO=${INFO_TOO:-0}
OUT=${OUT:-}

P_TCPMUX=$((PORT_BASE + 1)) P_ECHO=$((PORT_BASE + 7))
X_TCPMUX=$((PORT_BASE + 101)) X_ECHO=$((PORT_BASE + 107))
P_INFO_ECHO=$((PORT_BASE + 207))

STATE=$(mktemp -d /tmp/porter-bench.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # port pid name: up to 20 s for the port to accept, failing early if the process died
  local i
  for i in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { say "$3 exited before listening on $1; its output:"; cat "$STATE/$3.out" >&2; exit 2; }
    sleep 0.1
  done
  say "$3 is not listening on $1 after 20 s"; exit 2
}

# ---- prerequisites: porter's jar, xinetd, the driver ------------------------------------------
cd "$ROOT"
PORTER_JAR=${PORTER_JAR:-target/porter.jar}
if [ "$PORTER_JAR" = target/porter.jar ] && { [ ! -f target/porter.jar ] || [ -n "$(find src/main pom.xml -newer target/porter.jar -print -quit)" ]; }; then
  say "building porter (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi
if ! command -v xinetd >/dev/null; then
  [ "$(id -u)" = 0 ] || { say "xinetd is not installed: run as root (to apt-get install it) or install it first"; exit 1; }
  say "installing xinetd (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xinetd >/dev/null
fi
mkdir -p "$STATE/classes"
javac -d "$STATE/classes" "$ROOT/src/test/java/dev/porter/bench/ConnectLoad.java"

for p in $P_TCPMUX $P_ECHO $X_TCPMUX $X_ECHO $P_INFO_ECHO; do
  port_free "$p" || { say "port $p on 127.0.0.1 is in use; choose other ports with PORT_BASE=..."; exit 1; }
done

# ---- configurations ---------------------------------------------------------------------------
cat >"$STATE/porter.conf" <<EOF
components {
  echo   { socket = "inet://127.0.0.1:$P_ECHO", builtin = echo }
  tcpmux { socket = "inet://127.0.0.1:$P_TCPMUX", builtin = tcpmux }
  m-echo { tcpmux-master = tcpmux, service = echo, builtin = echo }
}
EOF
cat >"$STATE/porter-info.conf" <<EOF
components {
  echo { socket = "inet://127.0.0.1:$P_INFO_ECHO", builtin = echo }
}
EOF
# xinetd: limits lifted for a fair run (its default cps of 50/s would close the port for 10 s),
# nothing logged per connection (porter runs at WARN).
cat >"$STATE/xinetd.conf" <<EOF
defaults
{
	instances	= UNLIMITED
	per_source	= UNLIMITED
	cps		= 1000000 1
	log_type	= FILE $STATE/xinetd.svc.log
	log_on_success	=
	log_on_failure	=
}
service tcpmux
{
	type		= INTERNAL UNLISTED
	id		= tcpmux
	socket_type	= stream
	protocol	= tcp
	wait		= no
	user		= root
	bind		= 127.0.0.1
	port		= $X_TCPMUX
}
service echo
{
	type		= INTERNAL UNLISTED
	id		= echo-stream
	socket_type	= stream
	protocol	= tcp
	wait		= no
	user		= root
	bind		= 127.0.0.1
	port		= $X_ECHO
}
service cat
{
	type		= TCPMUXPLUS UNLISTED
	socket_type	= stream
	protocol	= tcp
	wait		= no
	user		= root
	server		= /bin/cat
}
EOF

# ---- start the servers ------------------------------------------------------------------------
PORTER_LOG_LEVEL=$PORTER_LOG java -jar "$PORTER_JAR" run -c "$STATE/porter.conf" >"$STATE/porter.out" 2>&1 &
PORTER_PID=$!; PIDS+=("$PORTER_PID")
xinetd -dontfork -pidfile "$STATE/xinetd.pid" -filelog "$STATE/xinetd.log" -f "$STATE/xinetd.conf" >"$STATE/xinetd.out" 2>&1 &
XINETD_PID=$!; PIDS+=("$XINETD_PID")
if [ "$INFO_TOO" = 1 ]; then
  # Connection lines go to a file, as they would to journald: the cost measured is formatting + write.
  PORTER_LOG_LEVEL=INFO java -jar "$PORTER_JAR" run -c "$STATE/porter-info.conf" >"$STATE/porter-info.out" 2>&1 &
  INFO_PID=$!; PIDS+=("$INFO_PID")
  wait_port "$P_INFO_ECHO" "$INFO_PID" porter-info
fi
wait_port "$P_ECHO" "$PORTER_PID" porter
wait_port "$P_TCPMUX" "$PORTER_PID" porter
wait_port "$X_ECHO" "$XINETD_PID" xinetd
wait_port "$X_TCPMUX" "$XINETD_PID" xinetd

# ---- run --------------------------------------------------------------------------------------
# label:port:service:server pid (whose CPU time, reaped children included, the driver reports)
TARGETS="porter-echo:$P_ECHO::$PORTER_PID xinetd-echo:$X_ECHO::$XINETD_PID"
TARGETS="$TARGETS porter-tcpmux:$P_TCPMUX:echo:$PORTER_PID xinetd-cat:$X_TCPMUX:cat:$XINETD_PID"
[ "$INFO_TOO" = 1 ] && TARGETS="$TARGETS porter-echo-info:$P_INFO_ECHO::$INFO_PID"
RESULTS=$STATE/results.txt; : >"$RESULTS"
driver() { java -Xss256k -XX:+UseSerialGC -cp "$STATE/classes" dev.porter.bench.ConnectLoad "$@"; }
say "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); xinetd $(xinetd -version 2>&1 | awk '{print $1; exit}')"
say "workload: connect -> [NAME] -> 64 B -> echo -> close; clients $CLIENTS; ${WARMUP}s warm-up + ${DURATION}s; $REPS reps, interleaved"
# Priming, not recorded: porter's JIT compiles its hot paths in the first seconds of load, which
# would otherwise land in the first repetition's figures (CPU and rate).
say "priming every target for ${PRIME}s (not recorded)"
for t in $TARGETS; do
  IFS=: read -r label port name pid <<<"$t"
  driver --port "$port" --clients 8 --duration "$PRIME" --warmup 0 ${name:+--name "$name"} >/dev/null
done
for rep in $(seq "$REPS"); do
  for c in $CLIENTS; do
    for t in $TARGETS; do
      IFS=: read -r label port name pid <<<"$t"
      args=(--port "$port" --clients "$c" --duration "$DURATION" --warmup "$WARMUP" --label "$label" --server-pid "$pid")
      [ -n "$name" ] && args+=(--name "$name")
      driver "${args[@]}" |
        tee -a "$RESULTS" | grep -v '^RESULT' >&2
      kill -0 "$PORTER_PID" 2>/dev/null || { say "porter died; its output:"; tail -20 "$STATE/porter.out" >&2; exit 2; }
      sleep 1
    done
  done
done
[ -n "$OUT" ] && cp "$RESULTS" "$OUT"

# ---- summary: medians per target and concurrency, porter/xinetd ratios --------------------------
awk '
  function median(s,   n, a, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function cpuratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.2fx", a / b) : "?" }
  /^RESULT / {
    delete kv
    for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
    k = kv["label"] SUBSEP kv["clients"]
    cps[k] = cps[k] " " kv["cps"]; p99[k] = p99[k] " " kv["p99_ms"]; p50[k] = p50[k] " " kv["p50_ms"]
    scpu[k] = scpu[k] " " kv["server_cpu_us"]; ccpu[k] = ccpu[k] " " kv["client_cpu_us"]
    err[k] += kv["errors"]; runs[k]++
    if (!(kv["label"] in seenl)) { seenl[kv["label"]] = 1; labels[++nl] = kv["label"] }
    if (!(kv["clients"] in seenc)) { seenc[kv["clients"]] = 1; conc[++nc] = kv["clients"] }
  }
  END {
    print ""
    print "| target | clients | conn/s | p50 ms | p99 ms | server CPU us/conn | client CPU us/conn | errors | runs |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (ci = 1; ci <= nc; ci++) for (li = 1; li <= nl; li++) {
      k = labels[li] SUBSEP conc[ci]; if (!(k in runs)) continue
      mc[k] = median(cps[k]); m99[k] = median(p99[k]); ms[k] = median(scpu[k])
      printf "| %s | %s | %.0f | %.2f | %.2f | %.1f | %.1f | %d | %d |\n", labels[li], conc[ci], mc[k], median(p50[k]), m99[k], ms[k], median(ccpu[k]), err[k], runs[k]
    }
    print ""
    print "| comparison | clients | conn/s ratio | p99 ratio (xinetd/porter) | server CPU per conn ratio (xinetd/porter) |"
    print "|---|---:|---:|---:|---:|"
    for (ci = 1; ci <= nc; ci++) {
      c = conc[ci]
      pe = "porter-echo" SUBSEP c; xe = "xinetd-echo" SUBSEP c; pt = "porter-tcpmux" SUBSEP c; xt = "xinetd-cat" SUBSEP c
      if ((pe in mc) && (xe in mc) && mc[xe] > 0 && m99[pe] > 0)
        printf "| porter echo / xinetd internal echo | %s | %.2fx | %.2fx | %s |\n", c, mc[pe] / mc[xe], m99[xe] / m99[pe], cpuratio(ms[xe], ms[pe])
      if ((pt in mc) && (xt in mc) && mc[xt] > 0 && m99[pt] > 0)
        printf "| porter TCPMUX echo / xinetd TCPMUX -> /bin/cat (spawns) | %s | %.2fx | %.2fx | %s |\n", c, mc[pt] / mc[xt], m99[xt] / m99[pt], cpuratio(ms[xt], ms[pt])
      pi = "porter-echo-info" SUBSEP c
      if ((pi in mc) && (pe in mc) && mc[pi] > 0)
        printf "| porter echo at WARN / at INFO (one log line per connection) | %s | %.2fx | %.2fx | %s |\n", c, mc[pe] / mc[pi], m99[pi] / m99[pe], cpuratio(ms[pi], ms[pe])
    }
  }' "$RESULTS"
