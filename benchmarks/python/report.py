"""Turns the benchmark's raw results into a Markdown table (medians, ratios) and a chart."""
import collections
import statistics
import sys

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
reps, chart = sys.argv[2], sys.argv[3]
runs = collections.defaultdict(list)
meta = {}
for scenario, peer, wall, cpu, rss, size, count in rows:
    runs[(scenario, peer)].append((float(wall), float(cpu), int(rss)))
    meta[scenario] = (int(size), int(count))
scenarios = list(dict.fromkeys(r[0] for r in rows))
median = {k: (statistics.median(w for w, _, _ in v), statistics.median(c for _, c, _ in v),
              max(r for _, _, r in v), len(v)) for k, v in runs.items()}


def ratio(s, peer, wall):
    ref = median.get((s, peer))
    return "%.2f" % (ref[0] / wall) if ref else "-"


print("| scenario | peer | runs | median wall s | throughput | CPU s per GiB | peak RSS MiB "
      "| vs curl | vs WebClient | vs JDK | vs SDK-style Python |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
bars = collections.OrderedDict()
for s in scenarios:
    size, count = meta[s]
    curl = median.get((s, "curl"), (None,))[0]
    for (sc, peer), (wall, cpu, rss, n) in median.items():
        if sc != s:
            continue
        thr = "%.0f MB/s" % (size / wall / 1e6) if count == 1 else "%.0f files/s" % (count / wall)
        cpu_gib = "%.2f" % (cpu / (size / 2**30)) if cpu >= 0 else "-"
        print("| %s | %s | %d | %.2f | %s | %s | %s | %s | %s | %s | %s |" % (
            s, peer, n, wall, thr, cpu_gib, rss if rss >= 0 else "-", ratio(s, "curl", wall),
            ratio(s, "spring-webclient", wall), ratio(s, "jdk-httpclient", wall),
            ratio(s, "python-sdk-style", wall)))
        bars.setdefault(s, {})[peer] = wall
print()
print("median of %s runs (the 'runs' column says where fewer were made); 'vs' columns are "
      "throughput ratios: above 1, the peer in the row is faster" % reps)
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    with_curl = [s for s in bars if "curl" in bars[s]]
    without = [s for s in bars if "curl" not in bars[s] and "python-sdk-style" in bars[s]]
    fig, axes = plt.subplots(1, 2, figsize=(15, 5), gridspec_kw={"width_ratios": [6, 1]})
    peers = sorted({p for s in with_curl for p in bars[s]})
    width = 0.8 / len(peers)
    ax = axes[0]
    for i, p in enumerate(peers):
        xs = [j + i * width for j in range(len(with_curl))]
        ax.bar(xs, [bars[s]["curl"] / bars[s][p] if p in bars[s] else 0 for s in with_curl],
               width, label=p)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(with_curl))])
    ax.set_xticklabels(with_curl, rotation=15, fontsize=8)
    ax.set_ylabel("throughput relative to curl")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.legend(fontsize=8, ncol=4)
    ax.set_title("over loopback from nginx, whole processes but for the warm-jvm scenarios (higher is better)",
                 fontsize=10)
    ax = axes[1]
    for s in without:
        ps = sorted(bars[s])
        ax.bar(ps, [bars[s]["python-sdk-style"] / bars[s][p] for p in ps], color="C3")
        ax.set_title("%s (emulator)" % s, fontsize=9)
        ax.set_ylabel("throughput relative to SDK-style Python")
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.tight_layout()
    fig.savefig(chart, dpi=110)
except ImportError:
    print("(matplotlib missing: no chart)")
