#!/usr/bin/env bash
# Mux link throughput: one stream over a link against one direct relay hop, and many streams'
# total and fairness. Not part of CI. Usage: bench/mux-bench.sh [SECONDS] [STREAMS]
# Results are recorded in docs/mux-benchmark.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
java --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
  -Dlogback.configurationFile=bench/logback-quiet.xml \
  -cp target/porter.jar:target/test-classes dev.porter.mux.MuxBench "${1:-5}" "${2:-100}"
