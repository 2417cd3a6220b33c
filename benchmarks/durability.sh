#!/usr/bin/env bash
# What forcing downloads to disk costs: 2,000 x 64 KiB at 32 at a time and one 1 GiB file, with
# DownloadOptions.durable(true) (the default) and durable(false), alternating in one JVM, written
# to ext4 (where a flush reaches the disk) and to a tmpfs (where it costs nothing), from an
# in-process emulator. Usage: benchmarks/durability.sh [ROUNDS]   (as root, to mount the tmpfs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rounds=${1:-5}
work=${BENCH_DIR:-/tmp/wandb4j-bench}/durability
mkdir -p "$work/data" "$work/classes" "$work/tmpfs"
if ! mountpoint -q "$work/tmpfs"; then
  mount -t tmpfs -o size=2g tmpfs "$work/tmpfs" 2>/dev/null || echo "(no tmpfs: both runs go to disk)"
fi
(cd "$repo" && mvn -B -q -DskipTests -Djacoco.skip=true package \
   && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
cp="$repo/target/classes:$(cat "$work/cp.txt")"
javac -nowarn -d "$work/classes" -cp "$cp" "$here/java/DurabilityBench.java"
echo "ext4 (/tmp):"
java -cp "$work/classes:$cp" DurabilityBench "$work/data" "$work/out" "$rounds"
echo "tmpfs:"
java -cp "$work/classes:$cp" DurabilityBench "$work/data" "$work/tmpfs/out" "$rounds"
