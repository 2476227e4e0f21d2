"""Small steps a reader takes in the quiz, shared by the end-to-end tests (from
`devtools.quiz`, which the benchmark and the screenshots script use too)."""

from __future__ import annotations

from devtools.quiz import SETTLED, UNANSWERED, answer_all, choose, quiz, recommendation, settle

__all__ = ["SETTLED", "UNANSWERED", "answer_all", "choose", "quiz", "recommendation", "settle"]
