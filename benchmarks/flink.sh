#!/usr/bin/env bash
# The Flink source (dev.wandb4j.flink.WandbFilesSource) reading a whole project on a MiniCluster
# of one task manager with two slots, at parallelism 1 and 2, against the emulator in its own
# process (wandb4j emulator) on loopback:
#   small: RUNS runs x 20 files of 64 KiB, 20 ms of latency on every request, bytes in records,
#          each reader fetching 8, then 32 files at a time
#   large: LARGE_RUNS runs x 4 files of 16 MiB, no added latency, downloaded into a tmpfs
#   one file: 1 run x 1 file of 64 KiB at 20 ms, what a job costs beyond its files
# Every job must see every file once, with its size and MD5 checked by the source. Prints one row
# per job; benchmarks/flink.md has the figures and the scaling model.
#
# Usage: benchmarks/flink.sh [RUNS] [REPS] [LARGE_RUNS]
#   RUNS default 100, REPS default 2, LARGE_RUNS default 8; as root for the tmpfs
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${1:-100}; reps=${2:-2}; large_runs=${3:-8}; latency=20; port=18092
key=flinkbench0000000000000000000000000000000
work=${BENCH_DIR:-/tmp/wandb4j-bench}/flink
mkdir -p "$work/src" "$work/out" "$work/classes"
if ! mountpoint -q "$work/out"; then
  mount -t tmpfs -o size=3g tmpfs "$work/out" 2>/dev/null || echo "(no tmpfs: output goes to disk)"
fi

# ---- two projects served from folders: every run's files are hard links to the same files
if [ ! -f "$work/src/big_3.bin" ]; then
  for f in $(seq -w 0 19); do head -c 65536 /dev/urandom > "$work/src/f_$f.bin"; done
  for f in 0 1 2 3; do head -c $((16 << 20)) /dev/urandom > "$work/src/big_$f.bin"; done
fi
make_project() {  # make_project NAME RUNS GLOB: exactly RUNS runs, each with the files of GLOB
  local dir="$work/emu/acme/$1"
  if [ "$(ls "$dir" 2>/dev/null | wc -l)" != "$2" ]; then
    rm -rf "$dir"
    for r in $(seq 0 $(($2 - 1))); do
      d="$dir/run$(printf %04d "$r")"; mkdir -p "$d"
      for f in "$work/src"/$3; do ln "$f" "$d/"; done
    done
  fi
}
make_project small "$runs" 'f_*.bin'
make_project large "$large_runs" 'big_*.bin'
make_project tiny 1 'f_00.bin'

(cd "$repo" && mvn -B -q -DskipTests -Djacoco.skip=true package \
   && mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt")
cp="$repo/target/classes:$(cat "$work/cp.txt")"
javac -nowarn -d "$work/classes" -cp "$cp" "$here/flink/FlinkSourceBench.java"

start_emulator() {  # start_emulator LATENCY_MS
  java -jar "$repo/target/wandb4j.jar" emulator --dir "$work/emu" --port "$port" \
    --api-key "$key" --latency "$1" > "$work/emulator.log" 2>&1 &
  emu_pid=$!
  for _ in $(seq 300); do grep -q "Press Ctrl-C" "$work/emulator.log" && return; sleep 0.1; done
  cat "$work/emulator.log"; exit 1
}
trap 'kill ${emu_pid:-} 2>/dev/null || true' EXIT
bench() {  # bench ARGS...: the rows only; Flink's log goes to bench.log
  java -Xmx2g -cp "$work/classes:$cp" FlinkSourceBench "http://127.0.0.1:$port" "$key" "$@" \
    > "$work/bench.log" 2>&1 || { tail -40 "$work/bench.log"; exit 1; }
  grep -P '^\d+\t\d+\t' "$work/bench.log"
}

echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo -e "scenario\tparallelism\tfiles\tMB\tseconds\tfiles/s\tMB/s"
start_emulator "$latency"
bench acme/tiny bytes - 1 8 "$reps" 1 2 | sed 's/^/one file\t/'
bench acme/small bytes - $((runs * 20)) 8 "$reps" 1 2 | sed 's/^/small, 8 per reader\t/'
bench acme/small bytes - $((runs * 20)) 32 "$reps" 1 2 | sed 's/^/small, 32 per reader\t/'
kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true
start_emulator 0
rm -rf "${work:?}/out/"*
bench acme/large download "$work/out" $((large_runs * 4)) 4 "$reps" 1 2 \
  | sed 's/^/large, downloaded\t/'
rm -rf "${work:?}/out/"*
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
