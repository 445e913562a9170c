"""`trusted`: build a record from values the caller has already typed, without validation."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)
_set = object.__setattr__


def trusted(cls: type[Model], **values: Any) -> Model:
    """`cls.model_construct(**values)` for values that name every field of `cls`.

    For the recorder's hot path: `model_construct` walks every field's aliases and defaults
    in Python, which cost a third of the recorder's time per step. This sets what it would
    set. Only for plain records (no private attributes, no `model_post_init`, `extra` not
    "allow"), which `tests/agentdata/test_trusted.py` checks of every record built so.
    """
    model = cls.__new__(cls)
    _set(model, "__dict__", values)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model
