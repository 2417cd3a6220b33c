#!/usr/bin/env bash
# Measures wandb4j against the clients people would otherwise use, on the same data in the same
# run: curl, the W&B SDK-style Python loop, the JDK HttpClient, Spring WebClient. nginx serves
# the bytes over loopback (sendfile) and answers the listing query, so the server is never the
# bottleneck. Each peer runs as a whole process; peers alternate within each repetition; every
# output is checked byte for byte; medians are reported.
#
# Usage: benchmarks/run.sh [--quick]        (as root: installs nginx, time, python3-requests,
#                                            python3-matplotlib, and mounts a tmpfs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=5; big_mib=1024; mid_mib=100; many=2000; concs="1 8 32 128"; listing_files=100000; listing_reps=2
if [ "${1:-}" = "--quick" ]; then
  reps=1; big_mib=32; mid_mib=8; many=100; concs="1 8"; listing_files=5000; listing_reps=1
fi

need=()
command -v nginx >/dev/null || need+=(nginx-light)
[ -x /usr/bin/time ] || need+=(time)
/usr/bin/python3 -c 'import requests' 2>/dev/null || need+=(python3-requests)
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || need+=(python3-matplotlib)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi

work=${BENCH_DIR:-/tmp/wandb4j-bench}
mkdir -p "$work/data/files" "$work/classes" "$work/tmpfs"
if ! mountpoint -q "$work/tmpfs"; then
  mount -t tmpfs -o size=3g tmpfs "$work/tmpfs" 2>/dev/null || echo "(no tmpfs: many-file output goes to $work/tmpfs on disk)"
fi
port=18080
base="http://127.0.0.1:$port"

# ---- data: one big file, one mid-sized file, many small files; their listings and URL lists
/usr/bin/python3 - "$work" "$big_mib" "$mid_mib" "$many" "$base" <<'PY'
import base64, hashlib, json, os, sys
work, big, mid, many, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
files = os.path.join(work, "data", "files")
def make(path, size):
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 1 << 20); f.write(os.urandom(n)); left -= n
def md5(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""): h.update(chunk)
    return h
sets = {"big": [("big.bin", big << 20)], "mid": [("mid.bin", mid << 20)],
        "many": [("f_%05d.bin" % i, 64 << 10) for i in range(many)]}
conf_locations = []
for name, entries in sets.items():
    d = os.path.join(files, name); os.makedirs(d, exist_ok=True)
    edges, urls, manifest = [], [], []
    for fname, size in entries:
        p = os.path.join(d, fname); make(p, size); h = md5(p)
        url = "%s/files/%s/%s" % (base, name, fname)
        edges.append({"node": {"id": name + fname, "name": fname, "url": url, "directUrl": "",
                               "sizeBytes": size, "md5": base64.b64encode(h.digest()).decode()},
                      "cursor": "c" + fname})
        urls.append(url); manifest.append("%s  %s" % (h.hexdigest(), fname))
    page = {"data": {"project": {"run": {"projectId": 1, "files": {"edges": edges,
            "pageInfo": {"endCursor": edges[-1]["cursor"], "hasNextPage": False}}}}}}
    with open(os.path.join(work, name + ".json"), "w") as f: json.dump(page, f)
    with open(os.path.join(work, name + ".urls"), "w") as f: f.write("\n".join(urls) + "\n")
    with open(os.path.join(work, name + ".md5"), "w") as f: f.write("\n".join(manifest) + "\n")
    # nginx answers POST to a static file with 405; error_page turns that into a GET of the file.
    conf_locations.append(
        "    location = /%s/graphql { default_type application/json; alias %s/%s.json; error_page 405 =200 $uri; }"
        % (name, work, name))
with open(os.path.join(work, "nginx.conf"), "w") as f:
    f.write("""worker_processes 1;
pid %s/nginx.pid;
error_log %s/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:%s;
    root %s/data;
%s
  }
}
""" % (work, work, base.rsplit(":", 1)[1], work, "\n".join(conf_locations)))
PY
nginx -s stop -c "$work/nginx.conf" 2>/dev/null || true
sleep 0.2
nginx -c "$work/nginx.conf"
trap 'nginx -s stop -c "$work/nginx.conf" 2>/dev/null || true' EXIT

# ---- build wandb4j and the JVM peers
(cd "$repo" && mvn -B -q -DskipTests package && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
cp="$repo/target/classes:$(cat "$work/cp.txt")"
javac -nowarn -d "$work/classes" -cp "$cp" "$here"/java/*.java
cp="$work/classes:$cp"
find "$work/data/files" -type f -exec cat {} + > /dev/null   # warm the page cache

results="$work/results.tsv"; : > "$results"
# run SCENARIO PEER OUT BYTES COUNT command...
run() {
  local scenario=$1 peer=$2 out=$3 bytes=$4 count=$5; shift 5
  rm -rf "$out"; mkdir -p "$out"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > "$work/peer.log" 2>&1 || {
    echo "$peer failed in $scenario:"; tail -5 "$work/peer.log"; exit 1; }
  (cd "$out" && md5sum --quiet -c "$work/$scenario_set.md5") > /dev/null 2>&1 || {
    echo "$peer wrote wrong bytes in $scenario"; exit 1; }
  read -r wall user sys kib < "$work/time.txt"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$peer" "$wall" "$(echo "$user + $sys" | bc)" "$((kib / 1024))" "$bytes" "$count" >> "$results"
}

for rep in $(seq "$reps"); do
  for set in big mid; do
    scenario_set=$set; scenario="one-${set}"
    size=$(stat -c %s "$work/data/files/$set/$set.bin"); out="$work/out-$set"
    url=$(cat "$work/$set.urls")
    run "$scenario" curl "$out" "$size" 1 curl -s -f -o "$out/$set.bin" "$url"
    run "$scenario" python-sdk-style "$out" "$size" 1 /usr/bin/python3 "$here/python/sdk_style.py" "$work/$set.urls" "$out"
    run "$scenario" jdk-httpclient "$out" "$size" 1 java -cp "$cp" JdkDownload "$work/$set.urls" "$out" 1
    run "$scenario" spring-webclient "$out" "$size" 1 java -cp "$cp" WebClientDownload "$work/$set.urls" "$out" 1
    run "$scenario" wandb4j "$out" "$size" 1 java -cp "$cp" Wandb4jDownload "$base/$set" "$out" 1
  done
  scenario_set=many
  total=$((many * 65536)); out="$work/tmpfs/out"
  for c in $concs; do
    scenario="many-64k-c$c"
    run "$scenario" curl "$out" "$total" "$many" sh -c "cd '$out' && curl -s -f -Z --parallel-max $c --remote-name-all \$(cat '$work/many.urls')"
    run "$scenario" xargs-curl "$out" "$total" "$many" sh -c "cd '$out' && xargs -P $c -n 50 curl -s -f --remote-name-all < '$work/many.urls'"
    if [ "$c" = 1 ]; then
      run "$scenario" python-sdk-style "$out" "$total" "$many" /usr/bin/python3 "$here/python/sdk_style.py" "$work/many.urls" "$out"
    fi
    run "$scenario" jdk-httpclient "$out" "$total" "$many" java -cp "$cp" JdkDownload "$work/many.urls" "$out" "$c"
    run "$scenario" spring-webclient "$out" "$total" "$many" java -cp "$cp" WebClientDownload "$work/many.urls" "$out" "$c"
    run "$scenario" wandb4j "$out" "$total" "$many" java -cp "$cp" Wandb4jDownload "$base/many" "$out" "$c"
  done
done

/usr/bin/python3 "$here/python/report.py" "$results" "$reps" "$here/chart.png"

# ---- listing: wandb4j against a bare loop of the same page queries, on the emulator
echo
java -cp "$cp" ListingBench "$listing_files" "$listing_reps"
