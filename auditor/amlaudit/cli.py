"""The console entry point. Deliberately tiny: `amlaudit --version` imports nothing else, so it
costs little more than starting Python; everything else is in :mod:`amlaudit.app`."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        from amlaudit._version import __version__

        print(f"amlaudit {__version__}")
        return 0
    from amlaudit.app import main as run

    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
