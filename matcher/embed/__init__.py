"""Text encoders: dense (offline USE, sentence-transformers), lexical, hybrid; embedding cache."""
