#!/usr/bin/env bash
# Measures wandb4j against the clients people would otherwise use, on the same data in the same
# run: curl, the W&B SDK-style Python loop, the JDK HttpClient, Spring WebClient. nginx serves
# the bytes over loopback (sendfile) and answers the listing query, so the server is never the
# bottleneck. Each peer runs as a whole process; peers alternate within each repetition; every
# output is checked byte for byte; medians are reported.
#
# Usage: benchmarks/run.sh [--quick]        (as root: installs nginx, time, python3-requests,
#                                            python3-matplotlib, and mounts a tmpfs)
# Environment: CDS=0 runs the JVM peers without their class-data-sharing archives.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=5; big_mib=1024; mid_mib=100; huge_mib=10240; huge_reps=1; many=2000; concs="1 8 32 128"
latency_ms=20; latency_reps=2; listing_files=100000; listing_reps=2
jmh_args=()
tls_only=0
if [ "${1:-}" = "--quick" ]; then
  reps=1; big_mib=32; mid_mib=8; huge_mib=256; many=100; concs="1 8"; latency_reps=1
  listing_files=5000; listing_reps=1; jmh_args=(-wi 1 -i 1 -w 1 -r 1 -p chunkKiB=64 -p perPage=50)
fi
if [ "${1:-}" = "--tls" ]; then tls_only=1; fi
reps=${REPS:-$reps}

need=()
command -v nginx >/dev/null || need+=(nginx-light)
[ -x /usr/bin/time ] || need+=(time)
command -v openssl >/dev/null || need+=(openssl)
/usr/bin/python3 -c 'import requests' 2>/dev/null || need+=(python3-requests)
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || need+=(python3-matplotlib)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi

work=${BENCH_DIR:-/tmp/wandb4j-bench}
mkdir -p "$work/data/files" "$work/classes" "$work/tmpfs"
if ! mountpoint -q "$work/tmpfs"; then
  mount -t tmpfs -o size=3g tmpfs "$work/tmpfs" 2>/dev/null || echo "(no tmpfs: many-file output goes to $work/tmpfs on disk)"
fi
port=${PORT:-18080}
tls_port=${TLS_PORT:-18443}
base="http://127.0.0.1:$port"
tls_base="https://127.0.0.1:$tls_port"

# ---- a self-signed certificate for 127.0.0.1 that every peer trusts: curl through --cacert, the
# JVM peers through a PKCS12 trust store named by the javax.net.ssl properties
mkdir -p "$work/tls"
if [ ! -s "$work/tls/trust.p12" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
  rm -f "$work/tls/trust.p12"
  keytool -importcert -noprompt -alias bench -file "$work/tls/cert.pem" -keystore "$work/tls/trust.p12" \
    -storetype PKCS12 -storepass changeit > /dev/null
fi
tls_java=(-Djavax.net.ssl.trustStore="$work/tls/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12)

# ---- data: one big file, one mid-sized file, many small files; their listings and URL lists
/usr/bin/python3 - "$work" "$big_mib" "$mid_mib" "$many" "$base" "$huge_mib" "$tls_base" <<'PY'
import base64, hashlib, json, os, sys
work, big, mid, many, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
huge = int(sys.argv[6]); tls_base = sys.argv[7]
files = os.path.join(work, "data", "files")
def make(path, size):
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    if size > 4 << 30:
        # Generated: sparse, with a random MiB at every GiB so that misplaced bytes show.
        with open(path, "wb") as f:
            f.truncate(size)
            for at in range(0, size, 1 << 30):
                f.seek(at); f.write(os.urandom(min(1 << 20, size - at)))
        return
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, 1 << 20); f.write(os.urandom(n)); left -= n
def md5(path):
    # Cached beside the data (keyed by size and mtime): hashing 10 GiB takes a while.
    st = os.stat(path); key = "%d %d" % (st.st_size, st.st_mtime_ns)
    cache = os.path.join(work, "md5-cache", path.replace("/", "_"))
    if os.path.exists(cache):
        k, b64, hexd = open(cache).read().split("\n")[:3]
        if k == key:
            return b64, hexd
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""): h.update(chunk)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    b64, hexd = base64.b64encode(h.digest()).decode(), h.hexdigest()
    with open(cache, "w") as f: f.write("%s\n%s\n%s\n" % (key, b64, hexd))
    return b64, hexd
sets = {"big": [("big.bin", big << 20)], "mid": [("mid.bin", mid << 20)],
        "huge": [("huge.bin", huge << 20)],
        "many": [("f_%05d.bin" % i, 64 << 10) for i in range(many)]}
conf_locations, tls_locations = [], []
for name, entries in sets.items():
    d = os.path.join(files, name); os.makedirs(d, exist_ok=True)
    manifest = []
    for fname, size in entries:
        p = os.path.join(d, fname); make(p, size); b64, hexd = md5(p)
        manifest.append("%s  %s" % (hexd, fname))
    with open(os.path.join(work, name + ".md5"), "w") as f: f.write("\n".join(manifest) + "\n")
    # The same listing twice: file URLs over http, and over https (prefix "tls-").
    for prefix, root_url, locations in (("", base, conf_locations), ("tls-", tls_base, tls_locations)):
        edges, urls = [], []
        for fname, size in entries:
            b64, hexd = md5(os.path.join(d, fname))
            url = "%s/files/%s/%s" % (root_url, name, fname)
            edges.append({"node": {"id": name + fname, "name": fname, "url": url, "directUrl": "",
                                   "sizeBytes": size, "md5": b64},
                          "cursor": "c" + fname})
            urls.append(url)
        page = {"data": {"project": {"run": {"projectId": 1, "files": {"edges": edges,
                "pageInfo": {"endCursor": edges[-1]["cursor"], "hasNextPage": False}}}}}}
        with open(os.path.join(work, prefix + name + ".json"), "w") as f: json.dump(page, f)
        with open(os.path.join(work, prefix + name + ".urls"), "w") as f: f.write("\n".join(urls) + "\n")
        # nginx answers POST to a static file with 405; error_page turns that into a GET of the file.
        locations.append(
            "    location = /%s/graphql { default_type application/json; alias %s/%s%s.json; error_page 405 =200 $uri; }"
            % (name, work, prefix, name))
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
  server {
    listen 127.0.0.1:%s ssl http2;
    ssl_certificate %s/tls/cert.pem;
    ssl_certificate_key %s/tls/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:TLS:10m;
    root %s/data;
%s
  }
}
""" % (work, work, base.rsplit(":", 1)[1], work, "\n".join(conf_locations),
       tls_base.rsplit(":", 1)[1], work, work, work, "\n".join(tls_locations)))
PY
nginx -s stop -c "$work/nginx.conf" 2>/dev/null || true
sleep 0.2
nginx -c "$work/nginx.conf"
trap 'nginx -s stop -c "$work/nginx.conf" 2>/dev/null || true' EXIT

# ---- build wandb4j (installed, for the JMH module) and the JVM peers, all as jars
(cd "$repo" && mvn -B -q -DskipTests -Djacoco.skip=true install \
   && mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp.txt")
rm -rf "$work/classes" && mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$repo/target/classes:$(cat "$work/cp.txt")" "$here"/java/*.java
jar cf "$work/peers.jar" -C "$work/classes" .
cp="$work/peers.jar:$repo/target/wandb4j-0.1.0-SNAPSHOT.jar:$(cat "$work/cp.txt")"

# Each JVM peer gets an application class-data-sharing archive from one untimed run on the mid
# file (how one ships a JVM command-line tool that starts fast); CDS=0 leaves them out. Every JVM
# peer also runs with Netty's allocator JFR events off (registering them costs the first response
# about 50 ms; the JDK client does not use Netty); NETTY_JFR=1 leaves them on.
mkdir -p "$work/cds"
netty_jfr=(); [ "${NETTY_JFR:-0}" = 1 ] || netty_jfr=(-Dio.netty.jfr.enabled=false)
cds() {
  if [ "${CDS:-1}" = 1 ]; then echo "-XX:SharedArchiveFile=$work/cds/$1.jsa"; fi
  echo ${netty_jfr[@]+"${netty_jfr[@]}"}
}
if [ "${CDS:-1}" = 1 ]; then
  for peer in JdkDownload WebClientDownload Wandb4jDownload; do
    rm -rf "$work/cds-out" && mkdir -p "$work/cds-out"
    case $peer in
      Wandb4jDownload) args=("$base/mid" "$work/cds-out" 1 md5) ;;
      *) args=("$work/mid.urls" "$work/cds-out" 1) ;;
    esac
    java -XX:ArchiveClassesAtExit="$work/cds/$peer.jsa" ${netty_jfr[@]+"${netty_jfr[@]}"} -cp "$cp" "$peer" "${args[@]}" > /dev/null 2>&1
    # Over https a program loads the TLS classes as well: its archive is recorded over https.
    rm -rf "$work/cds-out" && mkdir -p "$work/cds-out"
    case $peer in
      Wandb4jDownload) args=("$tls_base/mid" "$work/cds-out" 1 md5) ;;
      *) args=("$work/tls-mid.urls" "$work/cds-out" 1) ;;
    esac
    java -XX:ArchiveClassesAtExit="$work/cds/tls-$peer.jsa" "${tls_java[@]}" ${netty_jfr[@]+"${netty_jfr[@]}"} -cp "$cp" "$peer" "${args[@]}" > /dev/null 2>&1
  done
fi
# The command line, through its launcher (bin/wandb4j), which records its own archive on first use.
cli=(env WANDB4J_CDS_DIR="$work/cds-cli" WANDB4J_CDS="${CDS:-1}" "$repo/bin/wandb4j" -q --api-key benchmark-key)
rm -rf "$work/cds-cli" "$work/cds-out" && mkdir -p "$work/cds-out"
"${cli[@]}" --base-url "$base/mid" download acme/bench/run1 --root "$work/cds-out" > /dev/null
# The limits wandb4j must download a file of any size within.
small_heap=(-Xmx64m -XX:MaxDirectMemorySize=64m)

results="$work/results.tsv"; : > "$results"
warm() { find "$work/data/files/$1" -type f -exec cat {} + > /dev/null; }  # idle page cache is reclaimed
# The wandb4j rows do not force files to disk (DownloadOptions.durable(false), --no-fsync), as curl,
# the JDK client and WebClient do not; the -durable rows keep the library's default (each file and
# its folder forced), the like for like of the SDK-style loop, which calls fsync.
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
  rm -rf "$out"
}
one_file() {  # one_file SET SCENARIO [JVM flags for wandb4j...]
  local set=$1; scenario_set=$1; scenario=$2; shift 2
  local limits=("$@")
  local size out url
  size=$(stat -c %s "$work/data/files/$set/$set.bin"); out="$work/out-$set"
  url=$(cat "$work/$set.urls")
  warm "$set"
  run "$scenario" curl "$out" "$size" 1 curl -s -f -o "$out/$set.bin" "$url"
  run "$scenario" python-sdk-style "$out" "$size" 1 /usr/bin/python3 "$here/python/sdk_style.py" "$work/$set.urls" "$out"
  run "$scenario" jdk-httpclient "$out" "$size" 1 java $(cds JdkDownload) -cp "$cp" JdkDownload "$work/$set.urls" "$out" 1
  run "$scenario" spring-webclient "$out" "$size" 1 java $(cds WebClientDownload) -cp "$cp" WebClientDownload "$work/$set.urls" "$out" 1
  run "$scenario" wandb4j "$out" "$size" 1 java $(cds Wandb4jDownload) ${limits[@]+"${limits[@]}"} -cp "$cp" Wandb4jDownload "$base/$set" "$out" 1 size
  run "$scenario" wandb4j-md5 "$out" "$size" 1 java $(cds Wandb4jDownload) ${limits[@]+"${limits[@]}"} -cp "$cp" Wandb4jDownload "$base/$set" "$out" 1 md5
  run "$scenario" wandb4j-md5-durable "$out" "$size" 1 java $(cds Wandb4jDownload) ${limits[@]+"${limits[@]}"} -Dbench.durable=true -cp "$cp" Wandb4jDownload "$base/$set" "$out" 1 md5
  run "$scenario" wandb4j-cli "$out" "$size" 1 "${cli[@]}" --base-url "$base/$set" download acme/bench/run1 --root "$out" -c 1 --no-verify --no-fsync
  run "$scenario" wandb4j-cli-md5 "$out" "$size" 1 "${cli[@]}" --base-url "$base/$set" download acme/bench/run1 --root "$out" -c 1 --no-fsync
  run "$scenario" wandb4j-cli-md5-durable "$out" "$size" 1 "${cli[@]}" --base-url "$base/$set" download acme/bench/run1 --root "$out" -c 1
}

# ---- over https: the same files from nginx with TLS 1.3 on a self-signed certificate that every peer
# trusts (curl through --cacert, the JVM peers through a trust store), HTTP/2 offered by the server:
# curl takes it, the JDK client is held to HTTP/1.1, WebClient and wandb4j speak HTTP/1.1 unless
# the row says h2. wandb4j-cli-jdk-tls is the command line with OpenSSL turned off (the JDK's
# SSLEngine), to show what BoringSSL buys.
tls_cli=(env JAVA_OPTS="${tls_java[*]}" WANDB4J_CDS_DIR="$work/cds-cli-tls" WANDB4J_CDS="${CDS:-1}" "$repo/bin/wandb4j" -q --api-key benchmark-key)
tls_cli_jdk=(env JAVA_OPTS="${tls_java[*]} -Dio.netty.handler.ssl.noOpenSsl=true" WANDB4J_CDS_DIR="$work/cds-cli-tls-jdk" WANDB4J_CDS="${CDS:-1}" "$repo/bin/wandb4j" -q --api-key benchmark-key)
# A user's first run records the launcher's archive with what it did; over https that includes
# the TLS classes. One untimed https download records it for each engine.
rm -rf "$work/cds-cli-tls" "$work/cds-cli-tls-jdk" "$work/cds-out" && mkdir -p "$work/cds-out"
"${tls_cli[@]}" --base-url "$tls_base/mid" download acme/bench/run1 --root "$work/cds-out" > /dev/null
rm -rf "$work/cds-out" && mkdir -p "$work/cds-out"
"${tls_cli_jdk[@]}" --base-url "$tls_base/mid" download acme/bench/run1 --root "$work/cds-out" > /dev/null
tls_one_file() {  # tls_one_file SET SCENARIO
  local set=$1; scenario_set=$1; scenario=$2
  local size out url
  size=$(stat -c %s "$work/data/files/$set/$set.bin"); out="$work/out-$set"
  url=$(cat "$work/tls-$set.urls")
  warm "$set"
  run "$scenario" curl "$out" "$size" 1 curl -s -f --cacert "$work/tls/cert.pem" -o "$out/$set.bin" "$url"
  run "$scenario" jdk-httpclient "$out" "$size" 1 java $(cds tls-JdkDownload) "${tls_java[@]}" -cp "$cp" JdkDownload "$work/tls-$set.urls" "$out" 1
  run "$scenario" spring-webclient "$out" "$size" 1 java $(cds tls-WebClientDownload) "${tls_java[@]}" -cp "$cp" WebClientDownload "$work/tls-$set.urls" "$out" 1
  run "$scenario" wandb4j "$out" "$size" 1 java $(cds tls-Wandb4jDownload) "${tls_java[@]}" -cp "$cp" Wandb4jDownload "$tls_base/$set" "$out" 1 size
  run "$scenario" wandb4j-md5 "$out" "$size" 1 java $(cds tls-Wandb4jDownload) "${tls_java[@]}" -cp "$cp" Wandb4jDownload "$tls_base/$set" "$out" 1 md5
  run "$scenario" wandb4j-md5-durable "$out" "$size" 1 java $(cds tls-Wandb4jDownload) "${tls_java[@]}" -Dbench.durable=true -cp "$cp" Wandb4jDownload "$tls_base/$set" "$out" 1 md5
  run "$scenario" wandb4j-64m "$out" "$size" 1 java $(cds tls-Wandb4jDownload) "${tls_java[@]}" "${small_heap[@]}" -cp "$cp" Wandb4jDownload "$tls_base/$set" "$out" 1 size
  run "$scenario" wandb4j-cli "$out" "$size" 1 "${tls_cli[@]}" --base-url "$tls_base/$set" download acme/bench/run1 --root "$out" -c 1 --no-verify --no-fsync
  run "$scenario" wandb4j-cli-md5 "$out" "$size" 1 "${tls_cli[@]}" --base-url "$tls_base/$set" download acme/bench/run1 --root "$out" -c 1 --no-fsync
  run "$scenario" wandb4j-cli-jdk-tls "$out" "$size" 1 "${tls_cli_jdk[@]}" --base-url "$tls_base/$set" download acme/bench/run1 --root "$out" -c 1 --no-verify --no-fsync
}
tls_scenarios() {
  for rep in $(seq "$reps"); do
    tls_one_file big tls-one-big
    tls_one_file mid tls-one-mid
    scenario_set=many; scenario=tls-many-64k-c32
    total=$((many * 65536)); out="$work/tmpfs/out"
    warm many
    run "$scenario" curl "$out" "$total" "$many" sh -c "cd '$out' && curl -s -f --cacert '$work/tls/cert.pem' -Z --parallel-max 32 --remote-name-all \$(cat '$work/tls-many.urls')"
    run "$scenario" curl-http1.1 "$out" "$total" "$many" sh -c "cd '$out' && curl -s -f --http1.1 --cacert '$work/tls/cert.pem' -Z --parallel-max 32 --remote-name-all \$(cat '$work/tls-many.urls')"
    run "$scenario" jdk-httpclient "$out" "$total" "$many" java $(cds tls-JdkDownload) "${tls_java[@]}" -cp "$cp" JdkDownload "$work/tls-many.urls" "$out" 32
    run "$scenario" spring-webclient "$out" "$total" "$many" java $(cds tls-WebClientDownload) "${tls_java[@]}" -cp "$cp" WebClientDownload "$work/tls-many.urls" "$out" 32
    run "$scenario" wandb4j "$out" "$total" "$many" java $(cds tls-Wandb4jDownload) "${tls_java[@]}" -cp "$cp" Wandb4jDownload "$tls_base/many" "$out" 32 size
    run "$scenario" wandb4j-h2 "$out" "$total" "$many" java $(cds tls-Wandb4jDownload) "${tls_java[@]}" -Dbench.http2=true -cp "$cp" Wandb4jDownload "$tls_base/many" "$out" 32 size
    run "$scenario" wandb4j-cli "$out" "$total" "$many" "${tls_cli[@]}" --base-url "$tls_base/many" download acme/bench/run1 --root "$out" -c 32 --no-verify --no-fsync
  done
  # Warm JVMs: the 1 GiB file, and the 2,000 files 32 at a time, again and again in one JVM;
  # curl's whole-process runs are the reference. wandb4j-h2 offers HTTP/2, which nginx takes.
  warm big; mkdir -p "$work/out-big"
  java "${tls_java[@]}" -Dbench.http2=true -cp "$cp" WarmBench "$tls_base/big" "$(cat "$work/tls-big.urls")" "$work/out-big" "$reps" \
    "$(cut -d' ' -f1 "$work/big.md5")" > "$work/tls-warm.tsv"
  size=$(stat -c %s "$work/data/files/big/big.bin")
  awk -F'\t' -v OFS='\t' '$1 == "tls-one-big" && $2 == "curl" {print "tls-one-big-warm-jvm", $2, $3, $4, $5, $6, $7}' "$results" >> "$results"
  awk -F'\t' -v OFS='\t' -v size="$size" '{print "tls-one-big-warm-jvm", $1, $2, -1, -1, size, 1}' "$work/tls-warm.tsv" >> "$results"
  warm many
  java "${tls_java[@]}" -Dbench.http2=true -cp "$cp" WarmManyBench "$tls_base/many" "$work/tls-many.urls" "$work/many.md5" "$work/tmpfs/warm-many" 32 \
    "$((reps + 5))" > "$work/tls-warm-many.tsv"
  awk -F'\t' -v OFS='\t' '$1 == "tls-many-64k-c32" && ($2 == "curl" || $2 == "curl-http1.1") {print "tls-many-64k-c32-warm-jvm", $2, $3, $4, $5, $6, $7}' "$results" >> "$results"
  awk -F'\t' -v OFS='\t' -v total="$total" -v many="$many" '{print "tls-many-64k-c32-warm-jvm", $1, $2, -1, -1, total, many}' "$work/tls-warm-many.tsv" >> "$results"
}
if [ "$tls_only" = 1 ]; then
  tls_scenarios
  /usr/bin/python3 "$here/python/report.py" "$results" "$reps" "$here/chart-tls.png"
  exit 0
fi

for rep in $(seq "$reps"); do
  one_file big one-big
  one_file mid one-mid
  scenario_set=many
  total=$((many * 65536)); out="$work/tmpfs/out"
  warm many
  for c in $concs; do
    scenario="many-64k-c$c"
    run "$scenario" curl "$out" "$total" "$many" sh -c "cd '$out' && curl -s -f -Z --parallel-max $c --remote-name-all \$(cat '$work/many.urls')"
    run "$scenario" xargs-curl "$out" "$total" "$many" sh -c "cd '$out' && xargs -P $c -n 50 curl -s -f --remote-name-all < '$work/many.urls'"
    if [ "$c" = 1 ]; then
      run "$scenario" python-sdk-style "$out" "$total" "$many" /usr/bin/python3 "$here/python/sdk_style.py" "$work/many.urls" "$out"
    fi
    run "$scenario" jdk-httpclient "$out" "$total" "$many" java $(cds JdkDownload) -cp "$cp" JdkDownload "$work/many.urls" "$out" "$c"
    run "$scenario" spring-webclient "$out" "$total" "$many" java $(cds WebClientDownload) -cp "$cp" WebClientDownload "$work/many.urls" "$out" "$c"
    run "$scenario" wandb4j "$out" "$total" "$many" java $(cds Wandb4jDownload) -cp "$cp" Wandb4jDownload "$base/many" "$out" "$c" size
    run "$scenario" wandb4j-md5 "$out" "$total" "$many" java $(cds Wandb4jDownload) -cp "$cp" Wandb4jDownload "$base/many" "$out" "$c" md5
    if [ "$c" = 32 ]; then
      run "$scenario" wandb4j-md5-durable "$out" "$total" "$many" java $(cds Wandb4jDownload) -Dbench.durable=true -cp "$cp" Wandb4jDownload "$base/many" "$out" "$c" md5
    fi
    run "$scenario" wandb4j-cli "$out" "$total" "$many" "${cli[@]}" --base-url "$base/many" download acme/bench/run1 --root "$out" -c "$c" --no-verify --no-fsync
    run "$scenario" wandb4j-cli-md5 "$out" "$total" "$many" "${cli[@]}" --base-url "$base/many" download acme/bench/run1 --root "$out" -c "$c" --no-fsync
  done
done

# ---- the 1 GiB file inside one long-lived JVM (how a service uses a client), against curl's runs
warm big; mkdir -p "$work/out-big"
java -cp "$cp" WarmBench "$base/big" "$(cat "$work/big.urls")" "$work/out-big" "$reps" \
  "$(cut -d' ' -f1 "$work/big.md5")" > "$work/warm.tsv"
size=$(stat -c %s "$work/data/files/big/big.bin")
awk -F'\t' -v OFS='\t' '$1 == "one-big" && $2 == "curl" {print "one-big-warm-jvm", $2, $3, $4, $5, $6, $7}' "$results" > "$work/warm-curl.tsv"
cat "$work/warm-curl.tsv" >> "$results"
awk -F'\t' -v OFS='\t' -v size="$size" '{print "one-big-warm-jvm", $1, $2, -1, -1, size, 1}' "$work/warm.tsv" >> "$results"

# ---- the many files, 32 at a time, inside one long-lived JVM (a bulk downloader in a service),
# against curl -Z's whole runs
warm many
java -cp "$cp" WarmManyBench "$base/many" "$work/many.urls" "$work/many.md5" "$work/tmpfs/warm-many" 32 \
  "$((reps + 5))" > "$work/warm-many.tsv"
awk -F'\t' -v OFS='\t' '$1 == "many-64k-c32" && $2 == "curl" {print "many-64k-c32-warm-jvm", $2, $3, $4, $5, $6, $7}' "$results" > "$work/warm-many-curl.tsv"
cat "$work/warm-many-curl.tsv" >> "$results"
awk -F'\t' -v OFS='\t' -v total="$total" -v many="$many" '{print "many-64k-c32-warm-jvm", $1, $2, -1, -1, total, many}' "$work/warm-many.tsv" >> "$results"

tls_scenarios

# ---- one generated file of 10 GiB, to ext4: wandb4j within 64 MiB of heap and 64 MiB direct
# memory; and the 1 GiB file again within the same limits, to show what they cost
for rep in $(seq "$huge_reps"); do
  one_file huge one-huge "${small_heap[@]}"
done
for rep in $(seq "$reps"); do
  scenario_set=big; scenario=one-big-64m; out="$work/out-big"; size=$(stat -c %s "$work/data/files/big/big.bin")
  warm big
  run "$scenario" curl "$out" "$size" 1 curl -s -f -o "$out/big.bin" "$(cat "$work/big.urls")"
  run "$scenario" wandb4j "$out" "$size" 1 java $(cds Wandb4jDownload) "${small_heap[@]}" -cp "$cp" Wandb4jDownload "$base/big" "$out" 1 size
  run "$scenario" wandb4j-md5 "$out" "$size" 1 java $(cds Wandb4jDownload) "${small_heap[@]}" -cp "$cp" Wandb4jDownload "$base/big" "$out" 1 md5
done

# ---- the many files again, through the W&B protocol (list, file URL, redirect, signed storage
# URL) on the emulator, with latency on every request: the SDK-style loop against wandb4j
emu_port=18090
rm -rf "$work/emu" && mkdir -p "$work/emu/acme/bench"
mkdir -p "$work/emu/acme/bench/run1"
while read -r _ name; do ln "$work/data/files/many/$name" "$work/emu/acme/bench/run1/$name"; done < "$work/many.md5"
java -jar "$repo/target/wandb4j.jar" emulator --dir "$work/emu" --port "$emu_port" --latency "$latency_ms" > "$work/emulator.log" 2>&1 &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true; nginx -s stop -c "$work/nginx.conf" 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q WANDB_API_KEY "$work/emulator.log" && break; sleep 0.1; done
key=$(sed -n 's/.*WANDB_API_KEY=//p' "$work/emulator.log")
emu="http://127.0.0.1:$emu_port"
scenario_set=many; scenario="many-64k-latency${latency_ms}ms"; out="$work/tmpfs/out"
for rep in $(seq "$latency_reps"); do
  run "$scenario" python-sdk-style "$out" "$total" "$many" /usr/bin/python3 "$here/python/sdk_style.py" --api "$emu" "$key" acme/bench/run1 "$out"
  for c in 32 128; do
    run "$scenario" "wandb4j-c$c" "$out" "$total" "$many" java $(cds Wandb4jDownload) -cp "$cp" Wandb4jDownload "$emu" "$out" "$c" size "$key"
    run "$scenario" "wandb4j-md5-c$c" "$out" "$total" "$many" java $(cds Wandb4jDownload) -cp "$cp" Wandb4jDownload "$emu" "$out" "$c" md5 "$key"
    run "$scenario" "wandb4j-md5-durable-c$c" "$out" "$total" "$many" java $(cds Wandb4jDownload) -Dbench.durable=true -cp "$cp" Wandb4jDownload "$emu" "$out" "$c" md5 "$key"
  done
done
kill "$emu_pid" 2>/dev/null || true

/usr/bin/python3 "$here/python/report.py" "$results" "$reps" "$here/chart.png"

# ---- listing: wandb4j against a bare loop of the same page queries, on the emulator
echo
java -cp "$cp" ListingBench "$listing_files" "$listing_reps"

# ---- a page of 1,000 files with signed URLs, gzipped by the server and not
echo
java -cp "$cp" GzipPageBench 50

# ---- JMH: the write path and page parsing, with allocation per operation
echo
(cd "$here/jmh" && mvn -B -q package)
java -jar "$here/jmh/target/benchmarks.jar" -prof gc "${jmh_args[@]}" -rf csv -rff "$work/jmh.csv" > "$work/jmh.log" 2>&1
grep -E '^(Benchmark|PageParsing|WritePath)' "$work/jmh.log" | grep -Ev 'gc\.(count|time)|alloc\.rate +'
