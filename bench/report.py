"""Print the Markdown tables of bench/README.md from the runner's JSON files.

python bench/report.py bench/results/*.json
"""

from __future__ import annotations

import json
import sys


def table(path: str) -> str:
    data = json.loads(open(path).read())
    cache = data.get("page_cache", 0)
    lines = [
        f"**{data['backend']}**, {data['questions']:,} questions, {data['votes']:,} votes, "
        f"anonymous page cache {'on (' + str(cache) + ' s)' if cache else 'off'}",
        "",
        "| endpoint | median ms | p95 ms | req/s | latency vs bare | throughput vs bare |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    bare = data["results"]["bare"]
    for name, r in data["results"].items():
        lines.append(
            f"| {name} | {r['median_ms']:.2f} | {r['p95_ms']:.2f} | {r['rps']:.0f} | "
            f"{bare['median_ms'] / r['median_ms']:.2f} | {r['rps'] / bare['rps']:.2f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print("\n\n".join(table(p) for p in sys.argv[1:]))
