"""The validated plan, kept between the generator's run and the build's (a cache, never a source).

`make build` generates docs/ and then builds, and every build runs the generator again through the
hook (once in each shard of the parallel build): docs/ is current then, but the hook still needs the
plan (the nav, the site's name, the search words), and loading and validating a large plan takes
seconds. The generator therefore keeps the plan it validated, with the fingerprint of the inputs it
was made from (data, templates, this package's code, library versions); a later run whose inputs
have the same fingerprint reads it back instead of loading the data again. Any change to an input
changes the fingerprint, and the plan is loaded and validated as before.

The file is `.cache/plansite-plan.pickle` beside docs/ (ignored by git). It is written atomically
and only by the generator; a missing, unreadable or stale file is simply not used.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path

from .model import Plan
from .write import atomic_write

NAME = Path(".cache") / "plansite-plan.pickle"


def path_for(docs: Path) -> Path:
    return docs.parent / NAME


def save(docs: Path, stamp: str, plan: Plan) -> None:
    with contextlib.suppress(OSError):  # a read-only checkout: the next run loads the data, as without a cache
        atomic_write(path_for(docs), pickle.dumps((stamp, plan), protocol=pickle.HIGHEST_PROTOCOL))


def load(docs: Path, stamp: str) -> Plan | None:
    """The plan kept for inputs with this fingerprint, or None."""
    try:
        with open(path_for(docs), "rb") as handle:
            kept, plan = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError, ImportError):
        return None
    return plan if kept == stamp and isinstance(plan, Plan) else None
