"""The advisor: a decision engine for docs-as-code guides (standard library only).

Typical use::

    from advisor import load_model, recommend
    model = load_model(data)                 # data: a dict read from YAML or JSON
    result = recommend(model, {"complexity": "simple"})
    result.to_dict()                         # JSON-able; see Result.to_dict

`check(data)` lists every problem of a model. Reading YAML files lives in `advisor.source`
(PyYAML, imported lazily), the browser entry point in `advisor.web`, the CLI in `advisor.cli`.
"""

from advisor.check import check
from advisor.engine import (
    Change,
    ModelTooComplex,
    Result,
    Step,
    WhyNot,
    cite,
    recommend,
    sanitize_answers,
)
from advisor.model import (
    AdvisorError,
    AnswerError,
    Caveat,
    Choice,
    Claim,
    Condition,
    Criterion,
    Lead,
    Model,
    ModelError,
    Option,
    Problem,
    Question,
    Rule,
    Source,
    SourceRef,
    load_model,
)
from advisor.paths import AnswerPath, count_paths, enumerate_paths, total_paths

__all__ = [
    "AdvisorError",
    "AnswerError",
    "AnswerPath",
    "Caveat",
    "Change",
    "Choice",
    "Claim",
    "Condition",
    "Criterion",
    "Lead",
    "Model",
    "ModelError",
    "ModelTooComplex",
    "Option",
    "Problem",
    "Question",
    "Result",
    "Rule",
    "Source",
    "SourceRef",
    "Step",
    "WhyNot",
    "check",
    "cite",
    "count_paths",
    "enumerate_paths",
    "load_model",
    "recommend",
    "sanitize_answers",
    "total_paths",
]
