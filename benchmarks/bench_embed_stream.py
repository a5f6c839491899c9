"""Embedding throughput of the streaming embedder on a sample of a generated file.

Usage: python benchmarks/bench_embed_stream.py FILE.jsonl [--limit 3000] [--encoder usem3]
       [--chunk 512] [--ray ADDRESS] [--cache DIR]

Reads the first `limit` records of FILE (e.g. need.jsonl of `matcher generate --scale 1`),
embeds their texts into a fresh cache (a temporary folder unless --cache) here or on a Ray
cluster (`--ray local` starts one on this machine), and prints one JSON object: texts,
seconds (model loading included), texts per second, and the projection for a million texts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from pathlib import Path

from matcher.batch import make_backend
from matcher.embed.registry import make_encoder
from matcher.embed.stream import embed_stream
from matcher.ingest.kinds import kind_from_filename
from matcher.types import MODELS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--limit", type=int, default=3000)
    parser.add_argument("--encoder", default="usem3")
    parser.add_argument("--chunk", type=int, default=512)
    parser.add_argument("--ray")
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    model = MODELS[kind_from_filename(args.file) or "need"]
    with args.file.open(encoding="utf-8") as handle:
        records = [model.model_validate_json(line) for line in itertools.islice(handle, args.limit)]
    items = [(record.id, record.embed_text()) for record in records]
    backend = make_backend(args.ray)
    with tempfile.TemporaryDirectory() as scratch:
        cache = args.cache or Path(scratch)
        try:
            summary = embed_stream(
                items, make_encoder(args.encoder), cache, chunk=args.chunk, backend=backend,
                total=len(items), progress=False,
            )  # fmt: skip
        finally:
            backend.close()
    rate = summary.embedded / summary.seconds
    result = {
        "backend": backend.name, "encoder": args.encoder, "texts": summary.embedded,
        "seconds": round(summary.seconds, 1), "texts_per_s": round(rate, 1),
        "hours_per_million": round(1_000_000 / rate / 3600, 2),
    }  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
