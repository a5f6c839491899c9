"""The learned ranker: pair features, training on recorded outcomes, time-split evaluation."""
