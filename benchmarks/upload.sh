#!/usr/bin/env bash
# Uploads measured against curl -T, to the emulator's storage (wandb4j emulator --dir, in its own
# JVM, which writes what it receives into a folder): one 1 GiB file, 2,000 files of 64 KiB at
# 1, 8 and 32 at a time, and one generated 10 GiB file (sparse, random blocks spread through it)
# uploaded by wandb4j within -Xmx64m -XX:MaxDirectMemorySize=64m. Peers: curl (signed URLs asked
# for beforehand, untimed; then `curl -T`, one process, -Z for many files), wandb4j's command line
# through its launcher (bin/wandb4j upload), a small program on the public API (whole process),
# and the same program repeating the upload in one warm JVM (median after two warm-up rounds);
# and curl with md5sum hashing the same files beside it, wandb4j's like for like.
# wandb4j's figures include what curl's leave out: asking W&B for the URLs, and checking each
# file's size and MD5 in W&B's listing afterwards. Every upload is checked byte for byte in the
# emulator's folder (md5sum -c). Medians of REPS runs are printed as a table.
#
# Usage: benchmarks/upload.sh [--quick]   (--quick: 16 MiB, 100 files, a 256 MiB generated file,
#                                          one repetition: a check that the harness runs)
# Environment: REPS (default 3) repetitions; CONCS (default "1 8 32") the concurrencies of the
# many-file scenarios, empty for none.
# As root it mounts a tmpfs for the emulator's folder (the 10 GiB file is sparse there too).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
reps=3; big_mib=1024; many=2000; huge_mib=10240; concs="1 8 32"; warm_rounds=7
if [ "${1:-}" = "--quick" ]; then
  reps=1; big_mib=16; many=100; huge_mib=256; concs="1 8"; warm_rounds=3
fi
reps=${REPS:-$reps}; concs=${CONCS-$concs}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

work=${BENCH_DIR:-/tmp/wandb4j-bench}/upload
mkdir -p "$work/data" "$work/emu"
if ! mountpoint -q "$work/emu"; then
  mount -t tmpfs -o size=$(( (big_mib + many / 16 + 256) * 2 ))m tmpfs "$work/emu" 2>/dev/null \
    || echo "(no tmpfs: the emulator writes to $work/emu on disk)"
fi

# ---- data: one big file, many small files, one sparse huge file; a manifest for each set
/usr/bin/python3 - "$work/data" "$big_mib" "$many" "$huge_mib" <<'PY'
import hashlib, os, sys
data, big, many, huge = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def make(path, size, sparse=False):
    if os.path.exists(path) and os.path.getsize(path) == size:
        return
    with open(path, "wb") as f:
        if sparse:
            f.truncate(size)
            for at in list(range(0, size, 256 << 20)) + [size - (1 << 20)]:
                f.seek(at); f.write(os.urandom(min(1 << 20, size - at)))
        else:
            left = size
            while left:
                n = min(left, 1 << 20); f.write(os.urandom(n)); left -= n
sets = {"big": [("big.bin", big << 20, False)], "huge": [("huge.bin", huge << 20, True)],
        "many": [("f_%05d.bin" % i, 64 << 10, False) for i in range(many)]}
for name, entries in sets.items():
    d = os.path.join(data, name); os.makedirs(d, exist_ok=True)
    keep = {e[0] for e in entries}
    for old in os.listdir(d):
        if old not in keep: os.remove(os.path.join(d, old))
    lines = []
    for fname, size, sparse in entries:
        p = os.path.join(d, fname); make(p, size, sparse)
        h = hashlib.md5()
        with open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""): h.update(chunk)
        lines.append("%s  %s" % (h.hexdigest(), fname))
    with open(os.path.join(data, name + ".md5"), "w") as f: f.write("\n".join(lines) + "\n")
PY

# ---- build the jar and the program
(cd "$repo" && mvn -B -q -DskipTests -Djacoco.skip=true package \
   && mvn -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$work/cp.txt")
rm -rf "$work/classes" && mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$repo/target/classes:$(cat "$work/cp.txt")" "$here/java/Wandb4jUpload.java"
cp="$work/classes:$repo/target/classes:$(cat "$work/cp.txt")"
jvm=(java -Dio.netty.jfr.enabled=false)
small_heap=(-Xmx64m -XX:MaxDirectMemorySize=64m)

# ---- the emulator, serving (and receiving into) a folder with one run per measured upload
scenarios=(one-big)
for c in $concs; do scenarios+=("many-64k-c$c"); done
peers=(curl curl-md5sum wandb4j-cli wandb4j wandb4j-warm)
find "$work/emu" -mindepth 1 -delete
for rep in $(seq "$reps"); do
  for s in "${scenarios[@]}"; do
    for p in "${peers[@]}"; do mkdir -p "$work/emu/acme/bench/$s-$p-$rep"; done
  done
done
mkdir -p "$work/emu/acme/bench/huge-wandb4j-1" "$work/emu/acme/bench/cds-1"
port=18093
base="http://127.0.0.1:$port"
java -jar "$repo/target/wandb4j.jar" emulator --dir "$work/emu" --port "$port" > "$work/emulator.log" 2>&1 &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true' EXIT
for _ in $(seq 300); do grep -q WANDB_API_KEY "$work/emulator.log" && break; sleep 0.1; done
key=$(sed -n 's/.*WANDB_API_KEY=//p' "$work/emulator.log" | head -1)
[ -n "$key" ] || { echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; }
cli=(env WANDB4J_CDS_DIR="$work/cds-cli" "$repo/bin/wandb4j" -q --base-url "$base" --api-key "$key")
# One untimed run records the launcher's class-data-sharing archive.
"${cli[@]}" upload acme/bench/cds-1 "$work/data/big" --root "$work/data/big" > /dev/null
find "$work/emu/acme/bench/cds-1" -mindepth 1 -delete

# urls RUN DIR: a curl config that PUTs every file of DIR to its signed URL (asked for untimed)
urls() {
  /usr/bin/python3 - "$base" "$key" "$1" "$2" > "$work/curl.cfg" <<'PY'
import base64, json, os, sys, urllib.request
base, key, run, d = sys.argv[1:5]
entity, project, name = run.split("/")
names = sorted(os.listdir(d))
auth = "Basic " + base64.b64encode(("api:" + key).encode()).decode()
q = ("mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!)"
     " { createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run,"
     " files: $files}) { runID uploadHeaders files { name uploadUrl } } }")
for i in range(0, len(names), 100):
    body = json.dumps({"query": q, "operationName": "CreateRunFiles", "variables": {
        "entity": entity, "project": project, "run": name, "files": names[i:i + 100]}}).encode()
    req = urllib.request.Request(base + "/graphql", body,
                                 {"Authorization": auth, "Content-Type": "application/json"})
    files = json.load(urllib.request.urlopen(req))["data"]["createRunFiles"]["files"]
    for f in files:
        print('upload-file = "%s"\nurl = "%s"' % (os.path.join(d, f["name"]), f["uploadUrl"]))
PY
}

results="$work/results.tsv"; : > "$results"
warm_cache() { find "$work/data/$1" -type f -exec cat {} + > /dev/null; }
# run SCENARIO PEER SET RUN BYTES command...: times a whole process, then checks the run's folder
run() {
  local scenario=$1 peer=$2 set=$3 runpath=$4 bytes=$5; shift 5
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > "$work/peer.log" 2>&1 || {
    echo "$peer failed in $scenario:"; tail -5 "$work/peer.log"; exit 1; }
  (cd "$work/emu/$runpath" && md5sum --quiet -c "$work/data/$set.md5") > /dev/null 2>&1 || {
    echo "$peer: wrong bytes in $runpath after $scenario"; exit 1; }
  # Checked: its bytes go, so that the tmpfs holds one upload at a time (the emulator serves the
  # folder live, and the run stays, empty).
  find "$work/emu/$runpath" -mindepth 1 -delete
  read -r wall user sys kib < "$work/time.txt"
  local warm_s; warm_s=$(sed -n 's/^warm-median-s //p' "$work/peer.log")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$peer" "${warm_s:-$wall}" \
    "$(echo "$user + $sys" | bc)" "$((kib / 1024))" "$bytes" >> "$results"
}
one_set() {  # one_set SCENARIO SET CONCURRENCY REP
  local scenario=$1 set=$2 c=$3 rep=$4 bytes
  bytes=$(find "$work/data/$set" -type f -printf '%s\n' | awk '{ n += $1 } END { print n }')
  warm_cache "$set"
  urls "acme/bench/$scenario-curl-$rep" "$work/data/$set"
  run "$scenario" curl "$set" "acme/bench/$scenario-curl-$rep" "$bytes" \
    curl -s -f -Z --parallel-max "$c" -K "$work/curl.cfg"
  # wandb4j hashes every file it sends (and compares the MD5 with W&B's listing afterwards): its
  # like for like is curl with md5sum reading the same files beside it.
  urls "acme/bench/$scenario-curl-md5sum-$rep" "$work/data/$set"
  run "$scenario" curl+md5sum "$set" "acme/bench/$scenario-curl-md5sum-$rep" "$bytes" \
    sh -c 'find "$1" -type f -exec md5sum {} + > /dev/null & h=$!
      curl -s -f -Z --parallel-max "$2" -K "$3"; s=$?; wait $h && exit $s' \
    sh "$work/data/$set" "$c" "$work/curl.cfg"
  run "$scenario" wandb4j-cli "$set" "acme/bench/$scenario-wandb4j-cli-$rep" "$bytes" \
    "${cli[@]}" upload "acme/bench/$scenario-wandb4j-cli-$rep" "$work/data/$set" --root "$work/data/$set" -c "$c"
  run "$scenario" wandb4j "$set" "acme/bench/$scenario-wandb4j-$rep" "$bytes" \
    "${jvm[@]}" -cp "$cp" Wandb4jUpload "$base" "$key" "acme/bench/$scenario-wandb4j-$rep" "$work/data/$set" "$c"
  run "$scenario-warm-jvm" wandb4j "$set" "acme/bench/$scenario-wandb4j-warm-$rep" "$bytes" \
    "${jvm[@]}" -cp "$cp" Wandb4jUpload "$base" "$key" "acme/bench/$scenario-wandb4j-warm-$rep" "$work/data/$set" "$c" "$warm_rounds"
}

for rep in $(seq "$reps"); do
  one_set one-big big 1 "$rep"
  for c in $concs; do one_set "many-64k-c$c" many "$c" "$rep"; done
done
huge_bytes=$((huge_mib << 20))
run "huge-${huge_mib}MiB-small-heap" wandb4j huge "acme/bench/huge-wandb4j-1" "$huge_bytes" \
  "${jvm[@]}" "${small_heap[@]}" -cp "$cp" Wandb4jUpload "$base" "$key" "acme/bench/huge-wandb4j-1" "$work/data/huge" 1

# ---- the table: medians per scenario and peer, throughput, and the ratio to curl
/usr/bin/python3 - "$results" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    scenario, peer, wall, cpu, rss, size = line.rstrip("\n").split("\t")
    rows[(scenario, peer)].append((float(wall), float(cpu), int(rss), int(size)))
curl = {s: statistics.median(w for w, *_ in v) for (s, p), v in rows.items() if p == "curl"}
hashed = {s: statistics.median(w for w, *_ in v) for (s, p), v in rows.items() if p == "curl+md5sum"}
print("| scenario | peer | runs | median wall s | throughput | CPU s | peak RSS MiB | vs curl -T | vs curl -T + md5sum |")
print("|---|---|---|---|---|---|---|---|---|")
for (scenario, peer), v in rows.items():
    wall = statistics.median(w for w, *_ in v)
    size = v[0][3]
    ref = curl.get(scenario.replace("-warm-jvm", ""))
    ref_hashed = hashed.get(scenario.replace("-warm-jvm", ""))
    warm = scenario.endswith("-warm-jvm")
    print("| %s | %s | %d | %.2f | %.0f MB/s | %s | %s | %s | %s |" % (
        scenario, peer, len(v), wall, size / wall / 1e6,
        "-" if warm else "%.2f" % statistics.median(c for _, c, _, _ in v),
        "-" if warm else max(r for _, _, r, _ in v),
        "%.2f" % (ref / wall) if ref else "-",
        "%.2f" % (ref_hashed / wall) if ref_hashed else "-"))
PY
