#!/bin/bash
# spawn-rate.sh - connection rate when every connection starts a program: porter vs the inetds.
#
#   bench/spawn-rate.sh              # from the repository root, as root (it may apt-get install xinetd
#                                    # and apt-get download inetutils-inetd and openbsd-inetd)
#
# Each iteration of every client: connect -> [TCPMUX "cat\r\n", read the "+" reply line] -> 64 bytes
# -> read their echo from /bin/cat -> close. One /bin/cat is started per connection by every server.
# Targets, all on 127.0.0.1, run interleaved in every repetition:
#   TCPMUX -> spawn  porter-tcpmux     porter's TCPMUX master, subordinate "cat" = /bin/cat (tcpmuxplus)
#                    xinetd-tcpmux     xinetd's TCPMUX master, TCPMUXPLUS service "cat" = /bin/cat
#                    inetutils-tcpmux  inetutils-inetd's TCPMUX master, "tcpmux/+cat ... /bin/cat"
#   plain -> spawn   porter-plain      porter, socket = inet://..., command = /bin/cat (inetd nowait)
#                    xinetd-plain      xinetd, a plain nowait service running /bin/cat
#                    inetutils-plain   inetutils-inetd, a plain nowait line running /bin/cat
#                    openbsd-plain     openbsd-inetd, a plain nowait line running /bin/cat
# Every peer's rate limit is lifted (xinetd cps/instances/per_source, inetutils-inetd -R, openbsd-inetd
# -R and nowait.N); none logs per connection (porter runs at WARN). inetutils-inetd and openbsd-inetd
# conflict with xinetd as Debian packages, so they are fetched with `apt-get download` and unpacked
# (dpkg -x) under $PEERS, never installed. inetutils-inetd always binds its TCPMUX master to the
# /etc/services "tcpmux" port: it runs in a private mount namespace where a copy of /etc/services
# maps tcpmux to its benchmark port.
#
# Prints one line per run, then medians per target and concurrency, and ratios of porter against the
# best peer of its group (TCPMUX or plain). Besides conn/s and latency it reports CPU time per
# connection: the server's own, that of the children it reaped (the /bin/cat processes), and the
# client's. Stops everything it started, whatever happens. Knobs (environment):
#   CLIENTS="8 32"  client threads per run     DURATION=8  measured seconds   WARMUP=2  warm-up seconds
#   REPS=3          repetitions (medians)      PRIME=3  seconds of unrecorded load per target first
#   PORT_BASE=28000 ports +1, +2 (porter), +101, +102 (xinetd), +111, +112 (inetutils), +122 (openbsd)
#   TARGETS_ONLY=   space-separated labels to run (default: all seven)
#   PEERS=/var/tmp/porter-bench-peers   where the unpacked inetds are kept between runs
#   PORTER_LOG=WARN porter's log level         OUT=FILE  also copy the RESULT lines there
#   PORTER_JAR=FILE the porter jar to run (default target/porter.jar, rebuilt when stale)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLIENTS=${CLIENTS:-"8 32"}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-2}
REPS=${REPS:-3}
PRIME=${PRIME:-3}
PORT_BASE=${PORT_BASE:-28000}
PORTER_LOG=${PORTER_LOG:-WARN}
PEERS=${PEERS:-/var/tmp/porter-bench-peers}
TARGETS_ONLY=${TARGETS_ONLY:-}
OUT=${OUT:-}

P_TCPMUX=$((PORT_BASE + 1)) P_PLAIN=$((PORT_BASE + 2))
X_TCPMUX=$((PORT_BASE + 101)) X_PLAIN=$((PORT_BASE + 102))
I_TCPMUX=$((PORT_BASE + 111)) I_PLAIN=$((PORT_BASE + 112))
O_PLAIN=$((PORT_BASE + 122))

STATE=$(mktemp -d /tmp/porter-spawn-bench.XXXXXX)
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
    kill -0 "$2" 2>/dev/null || { say "$3 exited before listening on $1; its output:"; cat "$STATE/$3.out" >&2 || true; exit 2; }
    sleep 0.1
  done
  say "$3 is not listening on $1 after 20 s"; exit 2
}

# ---- prerequisites: porter's jar, the three inetds, the driver ------------------------------------
cd "$ROOT"
PORTER_JAR=${PORTER_JAR:-target/porter.jar}
if [ "$PORTER_JAR" = target/porter.jar ] && { [ ! -f target/porter.jar ] || [ -n "$(find src/main pom.xml -newer target/porter.jar -print -quit)" ]; }; then
  say "building porter (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi
[ "$(id -u)" = 0 ] || { say "run as root: the inetds run their programs as root, and inetutils-inetd needs a private mount namespace"; exit 1; }
if ! command -v xinetd >/dev/null; then
  say "installing xinetd (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xinetd >/dev/null
fi
INETUTILS=$PEERS/inetutils-inetd/usr/sbin/inetutils-inetd
OPENBSD=$PEERS/openbsd-inetd/usr/sbin/inetd
for p in inetutils-inetd openbsd-inetd; do
  [ -d "$PEERS/$p/usr/sbin" ] && continue
  say "fetching $p (apt-get download, unpacked under $PEERS, not installed)"
  mkdir -p "$PEERS/debs"
  (cd "$PEERS/debs" && { apt-get download -qq "$p" 2>/dev/null || { apt-get update -qq && apt-get download -qq "$p"; }; })
  mkdir -p "$PEERS/$p"
  dpkg -x "$(ls "$PEERS"/debs/"${p}"_*.deb | head -n1)" "$PEERS/$p"
done
mkdir -p "$STATE/classes"
javac -d "$STATE/classes" "$ROOT/src/test/java/dev/porter/bench/ConnectLoad.java"

for p in $P_TCPMUX $P_PLAIN $X_TCPMUX $X_PLAIN $I_TCPMUX $I_PLAIN $O_PLAIN; do
  port_free "$p" || { say "port $p on 127.0.0.1 is in use; choose other ports with PORT_BASE=..."; exit 1; }
done

# ---- configurations -------------------------------------------------------------------------------
cat >"$STATE/porter.conf" <<EOF
control.socket = "unix://$STATE/ctl.sock"
components {
  tcpmux { socket = "inet://127.0.0.1:$P_TCPMUX", builtin = tcpmux }
  cat    { tcpmux-master = tcpmux, command = /bin/cat }
  plain  { socket = "inet://127.0.0.1:$P_PLAIN", command = /bin/cat }
}
EOF
# xinetd: limits lifted (its default cps of 50/s would close the port for 10 s), nothing logged.
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
service cat
{
	type		= TCPMUXPLUS UNLISTED
	socket_type	= stream
	protocol	= tcp
	wait		= no
	user		= root
	server		= /bin/cat
}
service plain-cat
{
	type		= UNLISTED
	socket_type	= stream
	protocol	= tcp
	wait		= no
	user		= root
	bind		= 127.0.0.1
	port		= $X_PLAIN
	server		= /bin/cat
}
EOF
# inetutils-inetd: -R lifts its rate limit (invocations per minute); TCPMUX master on the
# /etc/services "tcpmux" port, remapped to $I_TCPMUX in its own mount namespace.
sed "s/^tcpmux\([[:space:]]\+\)1\/tcp/tcpmux\1$I_TCPMUX\/tcp/" /etc/services >"$STATE/services.inetutils"
grep -q "^tcpmux[[:space:]]\+$I_TCPMUX/tcp" "$STATE/services.inetutils" || { say "no tcpmux line in /etc/services to remap"; exit 2; }
cat >"$STATE/inetutils.conf" <<EOF
127.0.0.1:tcpmux	stream	tcp	nowait	root	internal
tcpmux/+cat	stream	tcp	nowait	root	/bin/cat	cat
127.0.0.1:$I_PLAIN	stream	tcp	nowait	root	/bin/cat	cat
EOF
# openbsd-inetd: -R and nowait.N lift its limits; -q its listen backlog (porter's is 4096).
cat >"$STATE/openbsd.conf" <<EOF
127.0.0.1:$O_PLAIN	stream	tcp	nowait.100000000	root	/bin/cat	cat
EOF

# ---- start the servers ----------------------------------------------------------------------------
PORTER_LOG_LEVEL=$PORTER_LOG java -jar "$PORTER_JAR" run -c "$STATE/porter.conf" >"$STATE/porter.out" 2>&1 &
PORTER_PID=$!; PIDS+=("$PORTER_PID")
xinetd -dontfork -pidfile "$STATE/xinetd.pid" -filelog "$STATE/xinetd.log" -f "$STATE/xinetd.conf" >"$STATE/xinetd.out" 2>&1 &
XINETD_PID=$!; PIDS+=("$XINETD_PID")
"$OPENBSD" -i -q 4096 -R 100000000 "$STATE/openbsd.conf" >"$STATE/openbsd.out" 2>&1 &
OPENBSD_PID=$!; PIDS+=("$OPENBSD_PID")
# inetutils-inetd has no foreground mode but -d, which logs every connection: it daemonizes, and its
# pid is taken from its pidfile.
unshare -m --propagation private sh -c "mount --bind '$STATE/services.inetutils' /etc/services && exec '$INETUTILS' -R 100000000 --pidfile='$STATE/inetutils.pid' '$STATE/inetutils.conf'" >"$STATE/inetutils.out" 2>&1
for _ in $(seq 50); do [ -s "$STATE/inetutils.pid" ] && break; sleep 0.1; done
[ -s "$STATE/inetutils.pid" ] || { say "inetutils-inetd did not write its pidfile"; cat "$STATE/inetutils.out" >&2; exit 2; }
INETUTILS_PID=$(cat "$STATE/inetutils.pid"); PIDS+=("$INETUTILS_PID")
wait_port "$P_TCPMUX" "$PORTER_PID" porter
wait_port "$P_PLAIN" "$PORTER_PID" porter
wait_port "$X_TCPMUX" "$XINETD_PID" xinetd
wait_port "$X_PLAIN" "$XINETD_PID" xinetd
wait_port "$I_TCPMUX" "$INETUTILS_PID" inetutils
wait_port "$I_PLAIN" "$INETUTILS_PID" inetutils
wait_port "$O_PLAIN" "$OPENBSD_PID" openbsd

# ---- run ------------------------------------------------------------------------------------------
# label:port:service:server pid (whose CPU time, reaped children included, the driver reports)
ALL="porter-tcpmux:$P_TCPMUX:cat:$PORTER_PID xinetd-tcpmux:$X_TCPMUX:cat:$XINETD_PID"
ALL="$ALL inetutils-tcpmux:$I_TCPMUX:cat:$INETUTILS_PID"
ALL="$ALL porter-plain:$P_PLAIN::$PORTER_PID xinetd-plain:$X_PLAIN::$XINETD_PID"
ALL="$ALL inetutils-plain:$I_PLAIN::$INETUTILS_PID openbsd-plain:$O_PLAIN::$OPENBSD_PID"
TARGETS=""
for t in $ALL; do
  if [ -z "$TARGETS_ONLY" ] || [[ " $TARGETS_ONLY " == *" ${t%%:*} "* ]]; then TARGETS="$TARGETS $t"; fi
done
[ -n "$TARGETS" ] || { say "TARGETS_ONLY matches no target"; exit 1; }
RESULTS=$STATE/results.txt; : >"$RESULTS"
driver() { java -Xss256k -XX:+UseSerialGC -cp "$STATE/classes" dev.porter.bench.ConnectLoad "$@"; }
alive() {
  local p
  for p in "${PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null || { say "server pid $p died; outputs:"; tail -n 20 "$STATE"/*.out >&2; exit 2; }
  done
}
say "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $(xinetd -version 2>&1 | awk '{print $1, $2; exit}'); $("$INETUTILS" --version | head -1); openbsd-inetd $(dpkg-deb -f "$(ls "$PEERS"/debs/openbsd-inetd_*.deb | head -n1)" Version 2>/dev/null || echo '?')"
say "workload: connect -> [cat\\r\\n, +] -> 64 B -> /bin/cat's echo -> close; clients $CLIENTS; ${WARMUP}s warm-up + ${DURATION}s; $REPS reps, interleaved"
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
      driver "${args[@]}" | tee -a "$RESULTS" | grep -v '^RESULT' >&2
      alive
      sleep 1
    done
  done
done
[ -n "$OUT" ] && cp "$RESULTS" "$OUT"

# ---- summary: medians per target and concurrency, porter / best peer of its group --------------------
awk '
  function median(s,   n, a, i, j, t) {
    n = split(s, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  /^RESULT / {
    delete kv
    for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
    k = kv["label"] SUBSEP kv["clients"]
    cps[k] = cps[k] " " kv["cps"]; p99[k] = p99[k] " " kv["p99_ms"]; p50[k] = p50[k] " " kv["p50_ms"]
    scpu[k] = scpu[k] " " kv["server_cpu_us"]; ccpu[k] = ccpu[k] " " kv["client_cpu_us"]
    sself[k] = sself[k] " " kv["server_self_cpu_us"]; schild[k] = schild[k] " " kv["server_child_cpu_us"]
    err[k] += kv["errors"]; runs[k]++
    if (!(kv["label"] in seenl)) { seenl[kv["label"]] = 1; labels[++nl] = kv["label"] }
    if (!(kv["clients"] in seenc)) { seenc[kv["clients"]] = 1; conc[++nc] = kv["clients"] }
  }
  END {
    print ""
    print "| target | clients | conn/s | p50 ms | p99 ms | server CPU us/conn (itself + children) | client CPU us/conn | errors | runs |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for (ci = 1; ci <= nc; ci++) for (li = 1; li <= nl; li++) {
      k = labels[li] SUBSEP conc[ci]; if (!(k in runs)) continue
      mc[k] = median(cps[k]); m99[k] = median(p99[k])
      printf "| %s | %s | %.0f | %.2f | %.2f | %.0f (%.0f + %.0f) | %.0f | %d | %d |\n", labels[li], conc[ci], mc[k], median(p50[k]), m99[k], median(scpu[k]), median(sself[k]), median(schild[k]), median(ccpu[k]), err[k], runs[k]
    }
    print ""
    print "| group | clients | porter conn/s | best peer | its conn/s | conn/s ratio (porter/peer) | p99 ratio (peer/porter) |"
    print "|---|---:|---:|---|---:|---:|---:|"
    for (ci = 1; ci <= nc; ci++) {
      c = conc[ci]
      ng = split("tcpmux plain", groups, " ")
      for (gi = 1; gi <= ng; gi++) {
        g = groups[gi]; pk = "porter-" g SUBSEP c; best = ""; bc = -1
        for (li = 1; li <= nl; li++) {
          l = labels[li]; k = l SUBSEP c
          if (l ~ "^porter-" || l !~ "-" g "$" || !(k in mc)) continue
          if (mc[k] > bc) { bc = mc[k]; best = l }
        }
        if (!(pk in mc) || best == "" || bc <= 0 || m99[pk] <= 0) continue
        printf "| %s -> /bin/cat | %s | %.0f | %s | %.0f | **%.2fx** | %.2fx |\n", g, c, mc[pk], best, bc, mc[pk] / bc, m99[best SUBSEP c] / m99[pk]
      }
    }
  }' "$RESULTS"
