#!/usr/bin/env python3
"""Put a freshly built site in place of the published one, in one step.

    python scripts/swap_site.py site.new site

`make build` builds into site.new/ and calls this only when the whole strict build succeeded:
the two folders are exchanged by one atomic rename (Linux renameat2 RENAME_EXCHANGE), then the
old site, now at site.new/, is removed. A failed build never touches site/. Where the exchange
is not available, site/ is renamed aside and the new folder renamed in: two renames, so a reader
may for an instant find no site/, but never half of one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False when the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def swap(new: Path, live: Path) -> None:
    """Make `new` the folder at `live`; the folder that was there is removed."""
    if not new.is_dir():
        raise SystemExit(f"{new} is not a built site; {live} was left unchanged")
    if not live.exists():
        new.rename(live)
        return
    if _exchange(new, live):
        shutil.rmtree(new)
        return
    old = live.with_name(live.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    live.rename(old)
    new.rename(live)
    shutil.rmtree(old)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    swap(Path(sys.argv[1]), Path(sys.argv[2]))
