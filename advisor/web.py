"""The one entry point the browser's Web Worker calls: JSON request in, JSON reply out.

Requests::

    {"op": "load", "model": {...model data...}, "version": "abc1234 2026-11-27" | null,
     "expect": id | null, "source": "<SHA-256 of the model file>" | absent}
      -> {"ok": true, "model": id, "reused": false,
          "runtime": {"version": sys.version, "platform": sys.platform}}
      (with "expect", a model with another id fails: the site's model file does not match the
      page that loads it)
    {"op": "load", "source": "<SHA-256>", "version": ..., "expect": ...}   (no "model")
      -> the same reply with "reused": true when a model loaded from that very file is held
         (an interpreter booted from a memory snapshot holds the site's models already), else
         {"ok": false, "error": {"type": "UnknownSource", ...}}: send the model
    {"op": "recommend", "model": id, "answers": {...} | [[question, choice], ...],
     "lenient": true | false}
      -> {"ok": true, "result": {...Result.to_dict()...}, "answers": {...the answers kept...},
          "ignored": [{question, choice, reason}], "ignored_total": n}

Answers as a list of pairs are what a URL holds (`?model=q:c,q:c`); with `"lenient": true` a
question given twice keeps its first answer and the repeat is listed in `ignored`.
`ignored` lists at most `IGNORED_LIMIT` entries, in the order met; `ignored_total` counts every
entry dropped, so the page says how many without reading any text.

Any failure -> {"ok": false, "error": {"type": ..., "message": ...}}; no exception escapes and
no traceback is ever sent. With `"lenient": true` invalid answers (for example from a URL) are
dropped and listed in `ignored`; otherwise they fail with an `AnswerError`. Loaded models stay
in memory, keyed by id, with the version that goes into their decision records.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from advisor.engine import IGNORED_LIMIT, recommend, sanitize_answers, validate_answers
from advisor.model import AdvisorError, Model, load_model, short

__all__ = ["handle"]

_MODELS: dict[str, tuple[Model, str | None]] = {}
_SOURCES: dict[str, str] = {}  # SHA-256 of a loaded model file -> the model's id
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MESSAGE_LIMIT = 4000
#: Deepest nesting of arrays and objects a request may have. A model is a handful of levels;
#: Pyodide's `json.loads` does not raise RecursionError but kills the interpreter (and the
#: reader's quiz) near 8,000 levels, so depth is checked before parsing.
_MAX_DEPTH = 64
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _nesting(text: str) -> int:
    """The deepest nesting of `[` and `{` in a JSON text, ignoring strings."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text)):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class RequestError(AdvisorError):
    """A request that is not valid JSON or lacks what its op needs."""


class UnknownSource(RequestError):
    """A load by source of a model file this interpreter has not loaded: send the model."""


def handle(request_json: str) -> str:
    """Answer one JSON request with one JSON reply (see the module docstring); never raises."""
    try:
        reply = _dispatch(request_json)
    except AdvisorError as err:
        reply = _error(type(err).__name__, str(err))
    except Exception as err:  # a bug: report it without a traceback
        reply = _error("InternalError", f"{type(err).__name__}: {err}")
    try:
        return json.dumps(reply, ensure_ascii=False)
    except Exception as err:  # pragma: no cover - replies are built from plain data
        return json.dumps(_error("InternalError", f"cannot encode reply: {type(err).__name__}"))


def _error(kind: str, message: str) -> dict[str, Any]:
    if len(message) > _MESSAGE_LIMIT:
        message = message[: _MESSAGE_LIMIT - 1] + "…"
    return {"ok": False, "error": {"type": kind, "message": message}}


def _dispatch(request_json: object) -> dict[str, Any]:
    if not isinstance(request_json, str):
        raise RequestError(f"a request must be a JSON string, not {type(request_json).__name__}")
    if _nesting(request_json) > _MAX_DEPTH:
        raise RequestError(f"the request nests arrays or objects over {_MAX_DEPTH} levels deep")
    try:
        request = json.loads(request_json)
    except (ValueError, RecursionError) as err:
        raise RequestError(f"the request is not valid JSON: {short(str(err), 120)}") from None
    if not isinstance(request, dict):
        raise RequestError("a request must be a JSON object with an 'op'")
    op = request.get("op")
    if op == "load":
        return _load(request)
    if op == "recommend":
        return _recommend(request)
    raise RequestError(f"unknown op '{short(op)}'; valid ops: load, recommend")


def _load(request: dict[str, Any]) -> dict[str, Any]:
    data = request.get("model")
    version = request.get("version")
    source = request.get("source")
    if version is not None and not isinstance(version, str):
        raise RequestError("'version' must be a string or null")
    expect = request.get("expect")
    if expect is not None and not isinstance(expect, str):
        raise RequestError("'expect' must be a model id or null")
    if source is not None and not (isinstance(source, str) and _SHA256.fullmatch(source)):
        raise RequestError("'source' must be the model file's SHA-256, in lower-case hex")
    if data is None and source is not None:
        held = _SOURCES.get(source)
        if held is None or held not in _MODELS:
            raise UnknownSource(f"no model loaded from the file {source[:12]}; send the model")
        if expect is not None and held != expect:
            raise RequestError(_mismatch(expect, [held]))
        _MODELS[held] = (_MODELS[held][0], version)  # the version goes into decision records
        return _loaded(held, reused=True)
    if not isinstance(data, dict):
        raise RequestError("'load' needs 'model': the model data as a JSON object")
    model = load_model(data)
    if expect is not None and model.id != expect:
        raise RequestError(_mismatch(expect, [model.id]))
    recommend(model, {})  # builds the memo tables now, so the reader's first click is fast
    _MODELS[model.id] = (model, version)
    for stale in [key for key, held in _SOURCES.items() if held == model.id]:
        del _SOURCES[stale]  # that file's model is no longer the one held under this id
    if source is not None:
        _SOURCES[source] = model.id
    return _loaded(model.id, reused=False)


def _loaded(model_id: str, *, reused: bool) -> dict[str, Any]:
    return {"ok": True, "model": model_id, "reused": reused,
            "runtime": {"version": sys.version, "platform": sys.platform}}


def _mismatch(wanted: str, found: list[str]) -> str:
    held = ", ".join(f"'{short(m)}'" for m in found)
    return (f"this quiz is for the model '{short(wanted)}', but the model file the page loaded "
            f"holds {held}: the site's files do not match each other (a model file was "
            "replaced, or a page is left from another build). Fix: build the site again and "
            "publish all of it")


def _from_pairs(raw: list[Any]) -> tuple[dict[Any, Any], list[dict[str, str]]]:
    """A URL's answer pairs as a mapping; the first answer to a question wins."""
    answers: dict[Any, Any] = {}
    ignored: list[dict[str, str]] = []
    for pair in raw:
        if not (isinstance(pair, list) and len(pair) == 2):
            ignored.append({"question": short(pair), "choice": "",
                            "reason": "not a question:choice pair"})
        elif not isinstance(pair[0], str):
            ignored.append({"question": short(pair[0]), "choice": short(pair[1]),
                            "reason": "question ids must be strings, "
                                      f"not {type(pair[0]).__name__}"})
        elif pair[0] not in answers:
            answers[pair[0]] = pair[1]
        else:
            ignored.append({"question": short(pair[0]), "choice": short(pair[1]),
                            "reason": f"'{short(pair[0])}' was answered twice; the first "
                                      "answer is kept"})
    return answers, ignored


def _recommend(request: dict[str, Any]) -> dict[str, Any]:
    model_id = request.get("model")
    loaded = _MODELS.get(model_id) if isinstance(model_id, str) else None
    if loaded is None:
        if _MODELS and isinstance(model_id, str):  # a model file that holds another model
            raise RequestError(_mismatch(model_id, sorted(_MODELS)))
        raise RequestError(f"model '{short(model_id)}' is not loaded; send a 'load' request first")
    model, version = loaded
    lenient = request.get("lenient", False)
    if not isinstance(lenient, bool):
        raise RequestError("'lenient' must be true or false")
    raw = request.get("answers", {})
    repeated: list[dict[str, str]] = []
    if lenient and isinstance(raw, list):
        raw, repeated = _from_pairs(raw)
    if lenient:
        answers, ignored = sanitize_answers(model, raw, limit=None)
    else:
        answers, ignored = validate_answers(model, raw), []
    result = recommend(model, answers, version=version)
    dropped = repeated + ignored  # every entry, capped once here
    return {"ok": True, "result": result.to_dict(), "answers": answers,
            "ignored": dropped[:IGNORED_LIMIT], "ignored_total": len(dropped)}
