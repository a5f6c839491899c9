import subprocess
import sys

import numpy as np
import pytest
from scipy import sparse

from matcher.embed.base import SparseEncoder
from matcher.embed.lexical import LexicalEncoder, char_ngrams, jieba_words
from matcher.errors import MatcherError

CORPUS = [
    "面向小微企业的信用贷款，最高额度五百万元",
    "知识产权质押融资，专利和商标均可质押",
    "工业视觉检测设备研发与销售",
    "高校新材料科技成果转让",
]


def test_char_analyzer_gives_unigrams_bigrams_and_latin_words():
    assert char_ngrams("ＡＩ芯片，5G") == ["ai", "芯", "片", "芯片", "5g"]
    assert char_ngrams("芯片", (1,)) == ["芯", "片"]


def test_jieba_words_drop_punctuation_and_print_nothing():
    assert "贷款" in jieba_words("我想申请贷款。")
    assert "。" not in jieba_words("我想申请贷款。")
    code = "from matcher.embed.lexical import jieba_words; jieba_words('我想申请贷款')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == ""
    assert "prefix dict" not in done.stderr


@pytest.mark.parametrize("analyzer", ["char1", "char12", "jieba", "jieba+char12"])
@pytest.mark.parametrize("weighting", ["tfidf", "bm25"])
def test_encode_gives_unit_float32_csr_rows(analyzer, weighting):
    encoder = LexicalEncoder(analyzer, weighting)
    assert encoder.fit(CORPUS) is encoder
    assert isinstance(encoder, SparseEncoder)
    assert encoder.name == f"lexical-{analyzer}-{weighting}"
    matrix = encoder.encode([*CORPUS, "Hello world"])
    assert sparse.isspmatrix_csr(matrix)
    assert matrix.dtype == np.float32
    assert matrix.shape == (5, encoder.dim)
    norms = sparse.linalg.norm(matrix, axis=1)
    assert np.allclose(norms[:4], 1.0, atol=1e-5)
    assert norms[4] == 0.0  # no known term


def test_overlapping_texts_score_higher_than_unrelated_ones():
    encoder = LexicalEncoder().fit(CORPUS)
    query = encoder.encode(["小微企业信用贷款额度"])
    scores = (encoder.encode(CORPUS) @ query.T).toarray().ravel()
    assert scores.argmax() == 0
    assert scores[0] > 0.3 > scores[2]


def test_rare_terms_weigh_more_than_common_ones():
    encoder = LexicalEncoder("char1").fit(["贷款甲", "贷款乙", "贷款丙", "专利"])
    row = encoder.encode(["贷专"]).toarray().ravel()
    assert row[encoder.vocabulary_["专"]] > row[encoder.vocabulary_["贷"]]


@pytest.mark.parametrize("weighting", ["tfidf", "bm25"])
def test_saved_state_reloads_to_identical_vectors(tmp_path, weighting):
    encoder = LexicalEncoder("jieba+char12", weighting).fit(CORPUS)
    encoder.save(tmp_path / "lexical.json")
    loaded = LexicalEncoder.load(tmp_path / "lexical.json")
    texts = ["专利质押贷款", "视觉检测"]
    assert loaded.name == encoder.name
    assert loaded.dim == encoder.dim
    assert (loaded.encode(texts) != encoder.encode(texts)).nnz == 0
    assert LexicalEncoder.from_state(encoder.to_state()).avg_length_ == encoder.avg_length_


def test_misuse_is_reported_in_chinese(tmp_path):
    with pytest.raises(MatcherError, match="fit"):
        LexicalEncoder().encode(["文本"])
    with pytest.raises(MatcherError, match="分词"):
        LexicalEncoder("words")
    with pytest.raises(MatcherError, match="权重"):
        LexicalEncoder("char12", "tf")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(MatcherError, match=r"bad\.json"):
        LexicalEncoder.load(tmp_path / "bad.json")


@pytest.mark.parametrize("weighting", ["tfidf", "bm25"])
def test_term_weight_scales_idf_from_commonest_to_rarest(weighting):
    corpus = ["信用贷款额度", "信用贷款利率", "信用担保", "专利质押融资"]
    encoder = LexicalEncoder("jieba+char12", weighting).fit(corpus)
    weights = {t: encoder.term_weight(t) for t in ("信用", "贷款", "专利", "质押")}
    assert all(0.0 <= w <= 1.0 for w in weights.values())
    assert weights["专利"] == weights["质押"] == 1.0  # in one document: the vocabulary's rarest
    assert weights["信用"] < weights["贷款"] < weights["专利"]  # in 3, 2 and 1 documents
    latin = LexicalEncoder("jieba+char12", weighting).fit(["CRO外包", "CRO服务", "专利"])
    # full-width and upper case are normalised as the corpus was
    assert latin.term_weight("ＣＲＯ") == latin.term_weight("cro") < 1.0


def test_term_weight_of_unknown_words():
    encoder = LexicalEncoder().fit(["信用贷款额度", "信用贷款利率", "专利质押融资"])
    # 贷款额 is no jieba word of the corpus: the mean idf of its bigrams 贷款 and 款额
    bigrams = np.mean([encoder.idf_[encoder.vocabulary_[g]] for g in ("贷款", "款额")])
    low, high = encoder.idf_.min(), encoder.idf_.max()
    assert "贷款额" not in encoder.vocabulary_
    assert encoder.term_weight("贷款额") == pytest.approx((bigrams - low) / (high - low))
    assert encoder.term_weight("区块链") == 1.0  # never seen at all
    with pytest.raises(MatcherError, match="fit"):
        LexicalEncoder().term_weight("信用")
