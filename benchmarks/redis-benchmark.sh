#!/usr/bin/env bash
# Runs Debian's redis-benchmark (redis-tools) against Cairn server and against redis-server, one after the other on
# this machine with the same flags, and writes the report under benchmarks/results/server/: results.json (every
# measured row, the load average before and after each run) and results.md (Cairn's throughput as a ratio of Redis's,
# p99 latencies, hit ratios).
#
#   benchmarks/redis-benchmark.sh --short   a quick check: a tenth of the requests and of the larger-than-memory key
#                                           space (a few minutes); written to benchmarks/results/server/short/
#   benchmarks/redis-benchmark.sh           the full run (about ten minutes on 2 cores)
#   benchmarks/redis-benchmark.sh [--short] --only persistent,persistent-sync
#                                           only the scenarios named (comma-separated), written to
#                                           benchmarks/results/server/only-<names>/ (or short/only-<names>/)
#
# Needs server/target/cairn-server.jar (mvn -B -q -DskipTests install -pl server -am), redis-server, redis-cli and
# redis-benchmark on the PATH (Debian: apt-get install redis-server redis-tools), and python3 for the report.
# Scenarios:
#   pipelined     -t set,get -P 16 -d 1024 -c 200 --threads 2 -r 1000000 -n 2000000
#   unpipelined   -t set,get -P 1 -d 1024 -c 50 --threads 2 -r 1000000 -n 500000
#   c2000         -t set,get -P 1 -d 1024 -c 2000 --threads 2 -r 1000000 -n 500000
#   overwrite     steady state: 3000000 pipelined SETs over the 1000000 keys (not measured) fill the server, then
#                 -t set -P 16 -d 1024 -c 200 --threads 2 -r 1000000 -n 20000000 overwrites them, long enough for
#                 the old generation to fill with overwritten values and be collected (full collections under the
#                 throughput collector); the report gives each server's longest request (max ms) beside its p99
#   persistent    the pipelined flags; Cairn with persistent databases and a BUFFERED log (durability buffered),
#                 redis-server with appendonly yes, appendfsync everysec
#   persistent-sync
#                 -t set with the pipelined flags; Cairn with durability sync (each acknowledged write forced to the
#                 device; a pipelined read's writes share one force), redis-server with appendfsync always
#   larger-than-memory
#                 a budget of 100000 values of 1 KiB: Cairn with heap-entries 100000 (its disk tier holds the rest),
#                 redis-server with maxmemory 102400000 and allkeys-lru; 1000000 keys key:%012d (the names
#                 redis-benchmark's -r draws) with incompressible 1 KiB values are loaded with redis-cli --pipe, then
#                 GET pipelined and unpipelined over that key space (hit ratio from INFO's keyspace_hits/misses),
#                 then SET pipelined
# Cairn runs twice in the in-memory and persistent scenarios: "cairn" with the JVM's default collector (G1) and
# "cairn-parallel" with the throughput collector. Both start at their maximum heap (-Xms = -Xmx) and pre-touch it, as
# a JVM server is run in production: without -Xms the heap grows while it is measured, and with the throughput
# collector every growth of the old generation is a full collection (2.1 s pauses in a pipelined SET run); without
# pre-touching, the kernel's first-touch page faults are paid during the run (redis-server takes its memory from the
# allocator as it goes). Both ask for transparent huge pages for the heap (-XX:+UseTransparentHugePages, which the
# kernel's default "madvise" mode grants): lookups in a heap of millions of entries miss the TLB at every step, and
# with 2 MiB pages pipelined SET and GET ran 13% faster on average in alternating single runs.
# Environment: CAIRN_JAVA_OPTS (default -Xms4g -Xmx4g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages),
# CAIRN_PARALLEL_JAVA_OPTS (default CAIRN_JAVA_OPTS's plus -XX:+UseParallelGC -Xmn1g), CAIRN_LTM_JAVA_OPTS for larger-than-memory
# (default -Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages), CAIRN_PORT (16380), REDIS_PORT (16379).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
only=
while [[ $# -gt 0 ]]; do
  case $1 in
    --short) mode=short ;;
    --only) only=${2:?--only needs scenario names}; shift ;;
    *) echo "usage: $0 [--short] [--only scenario,...]" >&2; exit 2 ;;
  esac
  shift
done
scenarios="pipelined unpipelined c2000 overwrite persistent persistent-sync larger-than-memory"
for s in ${only//,/ }; do
  if [[ " $scenarios " != *" $s "* ]]; then
    echo "$0: unknown scenario '$s' (expected some of: $scenarios)" >&2
    exit 2
  fi
done
wanted() { [[ -z $only || ",$only," == *",$1,"* ]]; }

jar=server/target/cairn-server.jar
for tool in redis-server redis-cli redis-benchmark python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "$0: $tool is not on the PATH (Debian: apt-get install redis-server redis-tools; python3 for the report)" >&2
    exit 1
  fi
done
if [[ ! -f $jar ]]; then
  echo "$0: $jar is missing; build it with: mvn -B -q -DskipTests install -pl server -am" >&2
  exit 1
fi

cairn_port=${CAIRN_PORT:-16380}
redis_port=${REDIS_PORT:-16379}
if [[ $mode == full ]]; then
  n_pipelined=2000000 n_single=500000 n_overwrite=20000000 ltm_keys=1000000 ltm_budget=100000
  out=benchmarks/results/server
else
  n_pipelined=200000 n_single=50000 n_overwrite=2000000 ltm_keys=100000 ltm_budget=10000
  out=benchmarks/results/server/short
fi
if [[ -n $only ]]; then
  out=$out/only-${only//,/-}
fi
value_bytes=1024
mkdir -p "$out"
work=$(mktemp -d /tmp/cairn-redis-benchmark.XXXXXX)
rows=$work/rows.tsv
: >"$rows"
pid=

cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }

wait_ready() { # port
  for _ in $(seq 1 300); do
    if [[ $(redis-cli -p "$1" ping 2>/dev/null) == PONG ]]; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$0: the server on port $1 exited; its log:" >&2
      cat "$work"/*.log >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "$0: nothing answers PING on port $1" >&2
  exit 1
}

start_cairn() { # scenario, java options, then server settings
  local scenario=$1 opts=$2
  shift 2
  mkdir -p "$work/cairn-$scenario"
  # shellcheck disable=SC2086
  java $opts -jar "$jar" --port "$cairn_port" --dir "$work/cairn-$scenario" "$@" \
    >"$work/cairn-$scenario.log" 2>&1 &
  pid=$!
  port=$cairn_port
  wait_ready "$port"
}

start_redis() { # scenario, then server settings
  local scenario=$1
  shift
  mkdir -p "$work/redis-$scenario"
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis-$scenario" --save '' "$@" \
    >"$work/redis-$scenario.log" 2>&1 &
  pid=$!
  port=$redis_port
  wait_ready "$port"
}

stop_server() {
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
}

stat() { # field of INFO stats
  redis-cli -p "$port" info stats | tr -d '\r' | sed -n "s/^$1://p"
}

# Runs redis-benchmark with the given flags against the server on $port; appends one row per test:
# scenario, server, test, flags, rps, avg, p50, p95, p99, max (ms), hit ratio of its GETs (or -), load before, after.
bench() { # scenario, server, flags...
  local scenario=$1 server=$2
  shift 2
  local before after hits0 misses0 csv
  before=$(load)
  hits0=$(stat keyspace_hits)
  misses0=$(stat keyspace_misses)
  echo "== $scenario / $server: redis-benchmark $* (load $before)"
  csv=$(redis-benchmark -p "$port" "$@" --csv)
  after=$(load)
  local hits misses ratio
  hits=$(($(stat keyspace_hits) - hits0))
  misses=$(($(stat keyspace_misses) - misses0))
  ratio=-
  if ((hits + misses > 0)); then
    ratio=$(python3 -c "print(round($hits / ($hits + $misses), 4))")
  fi
  echo "$csv" | tail -n +2 | tr -d '"' | while IFS=, read -r test rps avg _min p50 p95 p99 max; do
    r=-
    [[ $test == GET ]] && r=$ratio
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$server" "$test" "$*" "$rps" "$avg" \
      "$p50" "$p95" "$p99" "$max" "$r" "$before" "$after" >>"$rows"
    echo "   $test: $rps requests/s, p99 $p99 ms, hit ratio $r"
  done
}

# Loads keys key:000000000000 .. key:<n-1> with incompressible values of $value_bytes (base64 of random bytes).
fill() { # number of keys
  python3 - "$1" "$value_bytes" <<'EOF' | redis-cli -p "$port" --pipe >"$work/fill.log"
import base64, os, sys
n, size = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
chunk = []
for i in range(n):
    key = b"key:%012d" % i
    value = base64.b64encode(os.urandom(size))[:size]
    chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
    if len(chunk) == 1000:
        out.write(b"".join(chunk))
        chunk = []
out.write(b"".join(chunk))
EOF
  tail -1 "$work/fill.log"
}

pipelined=(-t set,get -P 16 -d "$value_bytes" -c 200 --threads 2 -r 1000000 -n "$n_pipelined")
unpipelined=(-t set,get -P 1 -d "$value_bytes" -c 50 --threads 2 -r 1000000 -n "$n_single")
c2000=(-t set,get -P 1 -d "$value_bytes" -c 2000 --threads 2 -r 1000000 -n "$n_single")
java_opts=${CAIRN_JAVA_OPTS:--Xms4g -Xmx4g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages}
parallel_opts=${CAIRN_PARALLEL_JAVA_OPTS:-$java_opts -XX:+UseParallelGC -Xmn1g}
ltm_opts=${CAIRN_LTM_JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages}
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load_start=$(load)

start_in_memory() { # server (cairn, cairn-parallel or redis), scenario
  case $1 in
    cairn) start_cairn "$2" "$java_opts" ;;
    cairn-parallel) start_cairn "$2" "$parallel_opts" ;;
    redis) start_redis "$2" --appendonly no ;;
  esac
}

for server in cairn cairn-parallel redis; do
  for scenario in pipelined unpipelined c2000; do
    wanted "$scenario" || continue
    start_in_memory "$server" "$scenario"
    declare -n flags=$scenario
    bench "$scenario" "$server" "${flags[@]}"
    unset -n flags
    stop_server
  done
done

overwrite=(-t set -P 16 -d "$value_bytes" -c 200 --threads 2 -r 1000000 -n "$n_overwrite")
for server in cairn cairn-parallel redis; do
  wanted overwrite || continue
  start_in_memory "$server" overwrite
  echo "== overwrite / $server: filling with $((n_overwrite * 3 / 20)) SETs"
  redis-benchmark -p "$port" -t set -P 16 -d "$value_bytes" -c 200 --threads 2 -r 1000000 -n $((n_overwrite * 3 / 20)) \
    -q >/dev/null
  bench overwrite "$server" "${overwrite[@]}"
  stop_server
done

if wanted persistent; then
  start_cairn persistent "$java_opts" --persistent yes --durability buffered
  bench persistent cairn "${pipelined[@]}"
  stop_server
  start_cairn persistent "$parallel_opts" --persistent yes --durability buffered
  bench persistent cairn-parallel "${pipelined[@]}"
  stop_server
  start_redis persistent --appendonly yes --appendfsync everysec
  bench persistent redis "${pipelined[@]}"
  stop_server
fi

sync_set=(-t set -P 16 -d "$value_bytes" -c 200 --threads 2 -r 1000000 -n $((n_pipelined / 2)))
if wanted persistent-sync; then
  start_cairn persistent-sync "$java_opts" --persistent yes --durability sync
  bench persistent-sync cairn "${sync_set[@]}"
  stop_server
  start_cairn persistent-sync "$parallel_opts" --persistent yes --durability sync
  bench persistent-sync cairn-parallel "${sync_set[@]}"
  stop_server
  start_redis persistent-sync --appendonly yes --appendfsync always
  bench persistent-sync redis "${sync_set[@]}"
  stop_server
fi

ltm_get_pipelined=(-t get -P 16 -c 200 --threads 2 -r "$ltm_keys" -n "$n_pipelined")
ltm_get_single=(-t get -P 1 -c 50 --threads 2 -r "$ltm_keys" -n "$n_single")
ltm_set=(-t set -P 16 -d "$value_bytes" -c 200 --threads 2 -r "$ltm_keys" -n "$n_pipelined")
ltm_dbsize=()
for server in cairn redis; do
  wanted larger-than-memory || continue
  if [[ $server == cairn ]]; then
    start_cairn larger-than-memory "$ltm_opts" --heap-entries "$ltm_budget" --disk-bytes 8gb
  else
    start_redis larger-than-memory --appendonly no --maxmemory $((ltm_budget * value_bytes)) \
      --maxmemory-policy allkeys-lru
  fi
  echo "== larger-than-memory / $server: loading $ltm_keys keys"
  fill "$ltm_keys"
  ltm_dbsize+=("$server=$(redis-cli -p "$port" dbsize)")
  bench larger-than-memory-get "$server" "${ltm_get_pipelined[@]}"
  bench larger-than-memory-get-unpipelined "$server" "${ltm_get_single[@]}"
  bench larger-than-memory-set "$server" "${ltm_set[@]}"
  stop_server
done

python3 - "$rows" "$out" "$mode" "$started" "$load_start" "$(load)" "$(redis-server --version)" \
  "$(java -version 2>&1 | head -1)" "$java_opts" "$parallel_opts" "$ltm_opts" "$ltm_keys" "$ltm_budget" \
  "${ltm_dbsize[*]}" "$only" <<'EOF'
import json, sys, os, datetime
rows_file, out, mode, started, load_start, load_end, redis_version, java_version, java_opts, parallel_opts, ltm_opts, \
    ltm_keys, ltm_budget, dbsizes, only = sys.argv[1:16]
fields = ["scenario", "server", "test", "flags", "rps", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms",
          "hit_ratio", "load_before", "load_after"]
rows = []
for line in open(rows_file):
    r = dict(zip(fields, line.rstrip("\n").split("\t")))
    for f in ["rps", "avg_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms"]:
        r[f] = float(r[f])
    r["hit_ratio"] = None if r["hit_ratio"] == "-" else float(r["hit_ratio"])
    rows.append(r)
report = {
    "mode": mode, "only": only or None, "started": started,
    "finished": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "machine": {"cores": os.cpu_count(), "load_average_start": load_start, "load_average_end": load_end},
    "redis_server": redis_version, "java": java_version, "cairn_java_options": java_opts,
    "cairn_parallel_java_options": parallel_opts, "cairn_larger_than_memory_java_options": ltm_opts,
    "larger_than_memory": {"keys": int(ltm_keys), "budget_values": int(ltm_budget),
                           "dbsize_after_load": dict(s.split("=") for s in dbsizes.split())} if dbsizes else None,
    "rows": rows,
}
json.dump(report, open(os.path.join(out, "results.json"), "w"), indent=2)

def find(scenario, server, test):
    for r in rows:
        if (r["scenario"], r["server"], r["test"]) == (scenario, server, test):
            return r
    return None

md = [f"# Cairn server vs redis-server: redis-benchmark ({mode} run{', only ' + only if only else ''}, {started})", "",
      f"{redis_version.split(' sha=')[0]}; Cairn server on {java_version}: \"Cairn\" with `{java_opts}` (G1, the "
      f"JVM's default collector), \"Cairn PGC\" with `{parallel_opts}`; "
      f"{os.cpu_count()} cores shared by the server and redis-benchmark; load average (1, 5, 15 min) "
      f"{load_start} at the start, {load_end} at the end (per run in results.json).", "",
      "| scenario | test | Cairn req/s | Cairn PGC req/s | Redis req/s | Cairn / Redis | Cairn PGC / Redis "
      "| p99 ms Cairn / PGC / Redis | max ms Cairn / PGC / Redis | Cairn hit ratio | Redis hit ratio |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
seen = []
for r in rows:
    key = (r["scenario"], r["test"])
    if key in seen:
        continue
    seen.append(key)
    c, x = find(r["scenario"], "cairn", r["test"]), find(r["scenario"], "redis", r["test"])
    if c is None or x is None:
        continue
    hit = lambda v: "" if v is None else f"{v:.3f}"
    # Larger than memory runs Cairn once (G1): its PGC cells stay empty.
    pg = find(r["scenario"], "cairn-parallel", r["test"])
    pg_rps, pg_ratio, pg_p99, pg_max = ("", "", "-", "-") if pg is None else \
        (f"{pg['rps']:,.0f}", f"**{pg['rps'] / x['rps']:.2f}x**", f"{pg['p99_ms']:.2f}", f"{pg['max_ms']:.0f}")
    md.append(f"| {r['scenario']} | {r['test']} | {c['rps']:,.0f} | {pg_rps} | {x['rps']:,.0f} "
              f"| **{c['rps'] / x['rps']:.2f}x** | {pg_ratio} "
              f"| {c['p99_ms']:.2f} / {pg_p99} / {x['p99_ms']:.2f} | {c['max_ms']:.0f} / {pg_max} / {x['max_ms']:.0f} "
              f"| {hit(c['hit_ratio'])} | {hit(x['hit_ratio'])} |")
md += ["", "Flags per scenario (the same for every server):", ""]
flags = {}
for r in rows:
    flags.setdefault(r["scenario"], r["flags"])
for s, f in flags.items():
    md.append(f"- {s}: `{f}`")
if dbsizes:
  md += ["", f"Larger than memory: {int(ltm_keys):,} keys of 1 KiB, a budget of {int(ltm_budget):,} values "
       f"(Cairn heap-entries with `{ltm_opts}`, Redis maxmemory {int(ltm_budget) * 1024} allkeys-lru); DBSIZE after loading: "
       f"{', '.join(dbsizes.split())}."]
open(os.path.join(out, "results.md"), "w").write("\n".join(md) + "\n")
print("\n".join(md))
EOF
echo "report: $out/results.json, $out/results.md"
