"""What W&B's Python SDK did per file (util.download_file_from_url): a new requests.get per file,
streaming 1 KiB chunks, fsync at the end; one file after another. Args: url list, out folder."""
import os
import sys

import requests


def main():
    urls = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    out = sys.argv[2]
    for url in urls:
        target = os.path.join(out, url.rsplit("/", 1)[1])
        r = requests.get(url, stream=True, timeout=5)
        r.raise_for_status()
        with open(target, "wb") as f:
            for chunk in r.iter_content(chunk_size=1024):
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        expected = r.headers.get("Content-Length")
        if expected is not None and os.path.getsize(target) != int(expected):
            raise SystemExit("truncated: " + url)


if __name__ == "__main__":
    main()
