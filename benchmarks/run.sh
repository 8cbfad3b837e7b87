#!/usr/bin/env bash
# Measures Cairn side by side with its peers in one run, printing progress as it goes, and writes the report:
# benchmarks/target/results.json, results.md (Cairn's ratio to each peer) and chart-*.png.
#   benchmarks/run.sh --quick   short iterations, smaller data sets (about 10 minutes on 2 cores)
#   benchmarks/run.sh           full: 2x3 s warmup, 3x5 s measurement, 1M engine keys (about 45-60 minutes on 2 cores)
# Other arguments go to the runner, e.g. --only jcache,engine
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
java -Xmx4g -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar io.cairn.benchmarks.RunAll \
  --out benchmarks/target "$@"
