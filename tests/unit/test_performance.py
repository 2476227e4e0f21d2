"""Time budgets: recommend well under 5 ms on a 10-question model; paths of 15 questions fast."""

from __future__ import annotations

import random
import statistics
import time

import pytest

from advisor import enumerate_paths, load_model, recommend
from tests.unit.helpers import synthetic


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recommend_on_ten_questions_is_fast(seed: int) -> None:
    model = load_model(synthetic(questions=10, choices=3, rules=20, seed=seed))
    start = time.perf_counter()
    recommend(model, {})  # the first call fills the memo tables (web.handle does it on load)
    assert time.perf_counter() - start < 1.0
    rnd = random.Random(seed)
    timings = []
    for _ in range(200):
        answers = {f"q{i}": f"c{rnd.randrange(3)}" for i in range(10) if rnd.random() < 0.8}
        start = time.perf_counter()
        recommend(model, answers).to_dict()
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.005
    assert max(timings) < 0.05


def test_paths_of_fifteen_questions_with_three_choices() -> None:
    model = load_model(synthetic(questions=15, choices=3, rules=30, seed=0))
    start = time.perf_counter()
    paths = enumerate_paths(model)
    assert time.perf_counter() - start < 10
    assert len(paths) > 10_000  # a real workload, not a trivial model
