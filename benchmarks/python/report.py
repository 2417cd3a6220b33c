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
              max(r for _, _, r in v)) for k, v in runs.items()}
print("| scenario | peer | median wall s | throughput | CPU s per GiB | peak RSS MiB | vs curl | vs WebClient |")
print("|---|---|---|---|---|---|---|---|")
bars = collections.OrderedDict()
for s in scenarios:
    size, count = meta[s]
    curl = median.get((s, "curl"), (None,))[0]
    web = median.get((s, "spring-webclient"), (None,))[0]
    for (sc, peer), (wall, cpu, rss) in median.items():
        if sc != s:
            continue
        thr = "%.0f MB/s" % (size / wall / 1e6) if count == 1 else "%.0f files/s" % (count / wall)
        vs_curl = "%.2f" % (curl / wall) if curl else "-"
        vs_web = "%.2f" % (web / wall) if web else "-"
        print("| %s | %s | %.2f | %s | %.2f | %d | %s | %s |" % (
            s, peer, wall, thr, cpu / (size / 2**30), rss, vs_curl, vs_web))
        bars.setdefault(s, {})[peer] = (curl / wall) if curl else 0
print()
print("median of %s runs; 'vs' columns are throughput ratios (higher is better for the peer)" % reps)
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    peers = sorted({p for v in bars.values() for p in v})
    fig, ax = plt.subplots(figsize=(11, 4.5))
    width = 0.8 / len(peers)
    for i, p in enumerate(peers):
        xs = [j + i * width for j in range(len(bars))]
        ax.bar(xs, [bars[s].get(p, 0) for s in bars], width, label=p)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(bars))])
    ax.set_xticklabels(list(bars), rotation=15)
    ax.set_ylabel("throughput relative to curl")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.legend(fontsize=8, ncol=3)
    ax.set_title("wandb4j and its peers, whole processes over loopback (higher is better)")
    fig.tight_layout()
    fig.savefig(chart, dpi=110)
except ImportError:
    print("(matplotlib missing: no chart)")
