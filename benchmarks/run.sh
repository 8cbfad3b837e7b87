#!/usr/bin/env bash
# Runs Cairn's benchmarks side by side with its peers and prints progress as it goes.
#   benchmarks/run.sh --quick   short iterations, 200k keys (minutes)
#   benchmarks/run.sh           full: 1M keys, longer iterations
# Extra arguments go to JMH (for example a benchmark regex: EngineBenchmark.readRandomHit).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=full
args=()
for a in "$@"; do
  case "$a" in
    --quick) mode=quick ;;
    *) args+=("$a") ;;
  esac
done
mvn -B -q -pl benchmarks -am package -DskipTests
mkdir -p benchmarks/target
if [ "$mode" = quick ]; then
  jmh=(-f 1 -wi 2 -w 3s -i 3 -r 5s -p keys=200000)
else
  jmh=(-f 1 -wi 3 -w 10s -i 5 -r 10s -p keys=1000000)
fi
[ ${#args[@]} -gt 0 ] || args=(EngineBenchmark)
java -Xmx4g -jar benchmarks/target/benchmarks.jar "${jmh[@]}" -rf json -rff "benchmarks/target/jmh-$mode.json" \
  "${args[@]}"
echo "JMH results: benchmarks/target/jmh-$mode.json"
