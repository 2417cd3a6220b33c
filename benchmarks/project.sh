#!/usr/bin/env bash
# A whole project exported: 1,000 runs x 20 files of 64 KiB, through the W&B protocol on the
# emulator with 20 ms of latency on every request (listing, file URL, signed storage URL).
# Peers: the W&B SDK-style loop (runs, then files, one download at a time, as users write it),
# the same loop feeding a 30-thread pool (what wandb/wandb issue 6951's user ran), and wandb4j's
# command line (bin/wandb4j download ENTITY/PROJECT). Then wandb4j killed at half-way and run
# again: the second run fetches only the rest; and run once more over the finished export, which
# costs the listing alone. Every output is checked file by file.
#
# Usage: benchmarks/project.sh [RUNS] [LOOP_RUNS]   (as root: mounts a tmpfs for the output)
#   RUNS (default 1000): runs in the project; LOOP_RUNS (default 50): the plain loop, at one
#   file at a time, runs only this many runs and its time is scaled to RUNS (stated as such).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=${1:-1000}; loop_runs=${2:-50}; files=20; latency=20; concurrency=64
work=${BENCH_DIR:-/tmp/wandb4j-bench}/project
mkdir -p "$work/src" "$work/out"
if ! mountpoint -q "$work/out"; then
  mount -t tmpfs -o size=3g tmpfs "$work/out" 2>/dev/null || echo "(no tmpfs: output goes to disk)"
fi
/usr/bin/python3 -c 'import requests' 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-requests >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

# ---- the project: every run's files are hard links to the same 20 random files
if [ ! -f "$work/src/f_19.bin" ]; then
  for f in $(seq -w 0 19); do head -c 65536 /dev/urandom > "$work/src/f_$f.bin"; done
fi
if [ ! -d "$work/emu/acme/bench/run$(printf %04d $((runs - 1)))" ]; then
  rm -rf "$work/emu"
  for r in $(seq 0 $((runs - 1))); do
    d="$work/emu/acme/bench/run$(printf %04d "$r")"; mkdir -p "$d"
    for f in "$work/src"/*.bin; do ln "$f" "$d/"; done
  done
fi
(cd "$work/src" && md5sum *.bin) > "$work/files.md5"

(cd "$repo" && mvn -B -q -DskipTests -Djacoco.skip=true package)
port=18091
java -jar "$repo/target/wandb4j.jar" emulator --dir "$work/emu" --port "$port" --latency "$latency" > "$work/emulator.log" 2>&1 &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true' EXIT
for _ in $(seq 200); do grep -q WANDB_API_KEY "$work/emulator.log" && break; sleep 0.1; done
key=$(sed -n 's/.*WANDB_API_KEY=//p' "$work/emulator.log")
base="http://127.0.0.1:$port"
cli=(env WANDB_API_KEY="$key" "$repo/bin/wandb4j" -q --base-url "$base")

check() {  # check OUT RUNS: every run folder holds the 20 files, byte for byte
  local n=0
  for d in "$1"/run*; do
    (cd "$d" && md5sum --quiet -c "$work/files.md5") || { echo "wrong bytes in $d"; exit 1; }
    n=$((n + 1))
  done
  [ "$n" = "$2" ] || { echo "$n run folders, expected $2"; exit 1; }
}
measure() {  # measure NAME RUNS command...: prints NAME, seconds, peak RSS MiB
  local name=$1 expect=$2; shift 2
  rm -rf "$work/out/x" && mkdir -p "$work/out/x"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/peer.log" 2>&1 || { tail "$work/peer.log"; exit 1; }
  check "$work/out/x" "$expect"
  read -r wall kib < "$work/time.txt"
  printf '%s\t%s\t%s\n' "$name" "$wall" "$((kib / 1024))"
}

echo -e "peer\tseconds\tpeak RSS MiB"
measure "sdk-style loop ($loop_runs runs)" "$loop_runs" /usr/bin/python3 "$here/python/sdk_style.py" --project "$base" "$key" acme/bench "$work/out/x" 1 "$loop_runs"
measure "sdk-style loop, 30 threads" "$runs" /usr/bin/python3 "$here/python/sdk_style.py" --project "$base" "$key" acme/bench "$work/out/x" 30
measure "wandb4j (bin/wandb4j, -c $concurrency)" "$runs" "${cli[@]}" download acme/bench --root "$work/out/x" -c "$concurrency"

# ---- killed at half-way, then run again
rm -rf "$work/out/x" && mkdir -p "$work/out/x"
"${cli[@]}" download acme/bench --root "$work/out/x" -c "$concurrency" > /dev/null 2>&1 &
pid=$!
half=$((runs * files / 2))
while [ "$(find "$work/out/x" -name 'f_*.bin' | wc -l)" -lt "$half" ]; do sleep 0.05; done
pkill -9 -f "wandb4j.*download acme/bench" || true
wait "$pid" 2>/dev/null || true
done_before=$(find "$work/out/x" -name 'f_*.bin' | wc -l)
/usr/bin/time -f "%e %M" -o "$work/time.txt" "${cli[@]}" download acme/bench --root "$work/out/x" -c "$concurrency" > "$work/peer.log" 2>&1
check "$work/out/x" "$runs"
read -r wall kib < "$work/time.txt"
printf 'wandb4j, run again after kill -9 at %s of %s files\t%s\t%s\n' "$done_before" "$((runs * files))" "$wall" "$((kib / 1024))"

# ---- and once more over the finished export: the listing, and nothing fetched or hashed again
/usr/bin/time -f "%e %M" -o "$work/time.txt" "${cli[@]}" download acme/bench --root "$work/out/x" -c "$concurrency" > "$work/peer.log" 2>&1
grep -q "Downloaded 0 files" "$work/peer.log" || { echo "the run over a finished export fetched files:"; cat "$work/peer.log"; exit 1; }
check "$work/out/x" "$runs"
read -r wall kib < "$work/time.txt"
printf 'wandb4j, run again over the finished export\t%s\t%s\n' "$wall" "$((kib / 1024))"
