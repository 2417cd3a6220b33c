#!/usr/bin/env bash
# One 1 GiB file over loopback from nginx (sendfile): wandb4j through its public API against
# `curl -o`, to the same disk, alternating, median of N runs. Installs nginx and time (as root).
# Usage: benchmarks/run.sh [--quick]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=5
size_mib=1024
if [ "${1:-}" = "--quick" ]; then runs=1; size_mib=64; fi

command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light; }
[ -x /usr/bin/time ] || apt-get install -y -qq time

work=${BENCH_DIR:-/tmp/wandb4j-bench}
mkdir -p "$work/data/files/acme/bench/run1" "$work/out" "$work/classes"
data="$work/data/files/acme/bench/run1/big.bin"
if [ ! -f "$data" ] || [ "$(stat -c %s "$data")" -ne $((size_mib << 20)) ]; then
  head -c $((size_mib << 20)) /dev/urandom > "$data"
fi
md5=$(openssl dgst -md5 -binary "$data" | base64)
size=$(stat -c %s "$data")
port=18080
base="http://127.0.0.1:$port"
json="{\"data\":{\"project\":{\"run\":{\"projectId\":1,\"files\":{\"edges\":[{\"node\":{\"id\":\"f1\",\"name\":\"big.bin\",\"url\":\"$base/files/acme/bench/run1/big.bin\",\"directUrl\":\"\",\"sizeBytes\":$size,\"md5\":\"$md5\"},\"cursor\":\"c1\"}],\"pageInfo\":{\"endCursor\":\"c1\",\"hasNextPage\":false}}}}}}"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:$port;
    root $work/data;
    location = /graphql { default_type application/json; return 200 '$json'; }
  }
}
CONF
nginx -s stop -c "$work/nginx.conf" 2>/dev/null || true
nginx -c "$work/nginx.conf"
trap 'nginx -s stop -c "$work/nginx.conf" 2>/dev/null || true' EXIT

(cd "$repo" && mvn -B -q -DskipTests package && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
cp="$repo/target/classes:$(cat "$work/cp.txt")"
javac -d "$work/classes" -cp "$cp" "$here/java/DownloadOne.java"
cp="$work/classes:$cp"

cat "$data" > /dev/null   # warm the page cache: the server must not be the bottleneck
measure() { # label, command...: prints "label seconds peak_rss_mib"
  local label=$1; shift
  rm -rf "$work/out"/*
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null
  cmp -s "$data" "$work/out/big.bin" || { echo "$label wrote wrong bytes" >&2; exit 1; }
  read -r secs kib < "$work/time.txt"
  echo "$label $secs $((kib / 1024))"
}
results="$work/results.txt"; : > "$results"
measure warmup-java java -cp "$cp" DownloadOne "$base" "$work/out" > /dev/null
for i in $(seq "$runs"); do
  measure curl curl -s -o "$work/out/big.bin" "$base/files/acme/bench/run1/big.bin" >> "$results"
  measure wandb4j java -cp "$cp" DownloadOne "$base" "$work/out" >> "$results"
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
c=$(awk '$1=="curl"{print $2}' "$results" | median)
w=$(awk '$1=="wandb4j"{print $2}' "$results" | median)
crss=$(awk '$1=="curl"{print $3}' "$results" | median)
wrss=$(awk '$1=="wandb4j"{print $3}' "$results" | median)
echo
echo "one ${size_mib} MiB file, loopback nginx (sendfile) -> $(df --output=fstype "$work/out" | tail -1), median of $runs"
printf '| peer | wall s | MB/s | throughput vs curl | peak RSS MiB |\n|---|---|---|---|---|\n'
awk -v c="$c" -v w="$w" -v cr="$crss" -v wr="$wrss" -v b="$size" 'BEGIN {
  printf "| curl -o | %.2f | %.0f | 1.00 | %d |\n", c, b/c/1e6, cr;
  printf "| wandb4j (whole process: JVM start, listing, download, MD5) | %.2f | %.0f | %.2f | %d |\n", w, b/w/1e6, c/w, wr }'
