"""Evaluation on labelled data: pure metrics, loaders, retrieval and STS runs."""
