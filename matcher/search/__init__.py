"""The one search engine: dense + lexical channels, exact re-scoring, calibrated fusion."""
