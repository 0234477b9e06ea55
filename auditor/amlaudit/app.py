"""The command line behind `amlaudit`: parse, dispatch, and turn every error into one line and
an exit code.

Commands live in `amlaudit.commands.<name>`, each with `register(subparsers)`; heavy imports
happen inside the command, so `--help` stays fast. `amlaudit.cli` (the console entry point)
answers `--version` before importing this module at all.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from amlaudit._version import __version__
from amlaudit.errors import AmlauditError
from amlaudit.redact import scrub_text

COMMANDS = (
    "scan",
    "access",
    "export",
    "gate",
    "merge",
    "rules",
    "explain",
    "controls",
    "new_rule",
)
EXIT_INTERNAL = 4


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 like every other input error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="amlaudit",
        description="Security and compliance scanner for Azure Machine Learning estates.",
        epilog="Exit codes: 0 gate passed, 1 failing findings at or above --fail-on, "
        "2 usage/config/input error, 3 incomplete scan, 4 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"amlaudit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"amlaudit.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"amlaudit.commands.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    debug = bool(args.debug or os.environ.get("AMLAUDIT_DEBUG"))
    try:
        code: int = args.handler(args)
        return code
    except AmlauditError as exc:
        if debug:
            _print_traceback()
        print(f"amlaudit: error: {_one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("amlaudit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`amlaudit scan | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if debug:
            _print_traceback()
        print(
            f"amlaudit: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
            "(a bug: rerun with --debug and report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _one_line(text: str) -> str:
    return scrub_text(" ".join(text.split())[:2000])


def _print_traceback() -> None:
    """--debug: the traceback, with secret-shaped values in it redacted like every output."""
    print(scrub_text(traceback.format_exc()), file=sys.stderr, end="")
