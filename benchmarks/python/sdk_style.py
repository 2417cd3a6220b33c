"""What W&B's Python SDK does per file (util.download_file_from_url): a new requests.get per file,
streaming 1 KiB chunks, fsync at the end; one file after another.

    sdk_style.py URL_LIST OUT                 download each URL in the list
    sdk_style.py --api BASE KEY RUN OUT       list RUN (entity/project/id) through W&B's GraphQL API,
                                              50 files a page as the SDK's Files does, then
                                              download each file's url with the API key
    sdk_style.py --project BASE KEY ENTITY/PROJECT OUT [THREADS] [MAX_RUNS]
                                              what users do for a whole project: for run in
                                              api.runs(path): for f in run.files(): f.download(),
                                              into OUT/<run>/; with THREADS > 1, the downloads go
                                              to a thread pool of that size (the 30 threads of
                                              wandb/wandb issue 6951); MAX_RUNS stops early
"""
import os
import sys

import requests

QUERY = """query RunFiles($entity: String!, $project: String!, $name: String!, $fileCursor: String,
    $fileLimit: Int = 50, $fileNames: [String] = [], $upload: Boolean = false, $pattern: String) {
  project(name: $project, entityName: $entity) {
    internalId
    run(name: $name) {
      fileCount
      files(names: $fileNames, after: $fileCursor, first: $fileLimit, pattern: $pattern) {
        edges { node { id name url(upload: $upload) directUrl sizeBytes mimetype updatedAt md5 }
                cursor }
        pageInfo { endCursor hasNextPage }
      }
    }
  }
}"""


def download(url, target, auth=None):
    r = requests.get(url, auth=auth, stream=True, timeout=30)
    r.raise_for_status()
    with open(target, "wb") as f:
        for chunk in r.iter_content(chunk_size=1024):
            f.write(chunk)
        f.flush()
        os.fsync(f.fileno())
    expected = r.headers.get("Content-Length")
    if expected is not None and os.path.getsize(target) != int(expected):
        raise SystemExit("truncated: " + url)


def list_files(base, key, run):
    entity, project, name = run.split("/")
    cursor, more = None, True
    while more:
        variables = {"entity": entity, "project": project, "name": name, "fileCursor": cursor,
                     "fileLimit": 50, "fileNames": [], "upload": False, "pattern": None}
        r = requests.post(base + "/graphql", json={"query": QUERY, "variables": variables},
                          auth=("api", key), timeout=30)
        r.raise_for_status()
        files = r.json()["data"]["project"]["run"]["files"]
        for edge in files["edges"]:
            yield edge["node"]
            cursor = edge["cursor"]
        more = files["pageInfo"]["hasNextPage"] and bool(files["edges"])


RUNS = """query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50,
    $order: String, $filters: JSONString) {
  project(name: $project, entityName: $entity) {
    runCount(filters: $filters)
    runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
      edges { node { id name displayName state createdAt projectId } cursor }
      pageInfo { endCursor hasNextPage }
    }
  }
}"""


def list_runs(base, key, path):
    entity, project = path.split("/")
    cursor, more = None, True
    while more:
        variables = {"entity": entity, "project": project, "cursor": cursor, "perPage": 50,
                     "order": "-created_at", "filters": "{}"}
        r = requests.post(base + "/graphql", json={"query": RUNS, "variables": variables},
                          auth=("api", key), timeout=30)
        r.raise_for_status()
        runs = r.json()["data"]["project"]["runs"]
        for edge in runs["edges"]:
            yield edge["node"]["name"]
            cursor = edge["cursor"]
        more = runs["pageInfo"]["hasNextPage"] and bool(runs["edges"])


def project(base, key, path, out, threads, max_runs):
    entity, name = path.split("/")
    pool = None
    if threads > 1:
        from concurrent.futures import ThreadPoolExecutor
        pool = ThreadPoolExecutor(max_workers=threads)
    futures = []
    for i, run in enumerate(list_runs(base, key, path)):
        if max_runs and i >= max_runs:
            break
        folder = os.path.join(out, run)
        for node in list_files(base, key, "%s/%s/%s" % (entity, name, run)):
            target = os.path.join(folder, node["name"])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if pool is None:
                download(node["url"], target, auth=("api", key))
            else:
                futures.append(pool.submit(download, node["url"], target, ("api", key)))
    for f in futures:
        f.result()
    if pool is not None:
        pool.shutdown()


def main():
    if sys.argv[1] == "--project":
        base, key, path, out = sys.argv[2:6]
        threads = int(sys.argv[6]) if len(sys.argv) > 6 else 1
        max_runs = int(sys.argv[7]) if len(sys.argv) > 7 else 0
        project(base, key, path, out, threads, max_runs)
    elif sys.argv[1] == "--api":
        base, key, run, out = sys.argv[2:6]
        for node in list_files(base, key, run):
            download(node["url"], os.path.join(out, node["name"]), auth=("api", key))
    else:
        out = sys.argv[2]
        for url in (line.strip() for line in open(sys.argv[1])):
            if url:
                download(url, os.path.join(out, url.rsplit("/", 1)[1]))


if __name__ == "__main__":
    main()
