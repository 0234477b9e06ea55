"""Where reports go: `-o FORMAT[:PATH]`, written atomically so a gate never reads half a file.

Regular files are written to a temporary file beside the target and renamed into place;
stdout (`-`), `/dev/*` and pipes are written directly.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from amlaudit.errors import UsageError

STDOUT = "-"


@dataclass(frozen=True)
class OutputSpec:
    format: str
    path: str  # "-" for stdout

    @property
    def to_stdout(self) -> bool:
        return self.path == STDOUT


def parse_outputs(specs: Sequence[str], known_formats: Sequence[str]) -> list[OutputSpec]:
    """`FORMAT` or `FORMAT:-` is stdout; the path is everything after the first colon."""
    outputs = []
    for spec in specs:
        fmt, sep, path = spec.partition(":")
        fmt = fmt.strip().lower()
        if fmt not in known_formats:
            raise UsageError(
                f"-o {spec!r}: unknown format {fmt!r} (choose from {', '.join(sorted(known_formats))})"
            )
        if sep and not path:
            raise UsageError(f"-o {spec!r}: empty path after ':' (use {fmt}:- for stdout)")
        outputs.append(OutputSpec(fmt, path if sep else STDOUT))
    if sum(1 for o in outputs if o.to_stdout) > 1:
        raise UsageError("only one -o may write to stdout; give the others a path")
    targets = [os.path.abspath(o.path) for o in outputs if not o.to_stdout]
    if len(targets) != len(set(targets)):
        raise UsageError("two -o options write to the same file")
    return outputs


def check_not_inputs(outputs: Sequence[OutputSpec], inputs: Sequence[str]) -> None:
    """Refuse to overwrite a snapshot being read."""
    input_paths = {_real(p) for p in inputs if p != STDOUT}
    for output in outputs:
        if not output.to_stdout and _real(output.path) in input_paths:
            raise UsageError(f"-o {output.format}:{output.path} would overwrite an input snapshot")


def _real(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))


@contextlib.contextmanager
def open_output(path: str) -> Iterator[TextIO]:
    if path == STDOUT:
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if _is_special(target):
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            yield handle
        return
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError(f"{path}: directory {directory} does not exist")
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644 & ~_umask())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def write_text(path: str, produce: Callable[[TextIO], None]) -> None:
    try:
        with open_output(path) as handle:
            produce(handle)
    except BrokenPipeError:
        if path != STDOUT:
            raise UsageError(f"{path}: cannot write (the reader closed the pipe)") from None
        # `scan -o json | head`: the reader has what it wanted. Not a usage error: the exit
        # code stays the verdict's and the other outputs are still written.
        _discard_stdout()
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror or exc})") from None


def is_file_output(output: OutputSpec) -> bool:
    """A regular file: not stdout, a device (/dev/stdout) or a pipe."""
    return not output.to_stdout and not _is_special(Path(output.path))


def verdict_stream(outputs: Sequence[OutputSpec]) -> TextIO:
    """Where the verdict line goes: stdout, unless a report is written to stdout (or a
    device or pipe that may be it), where the line would corrupt the report."""
    return sys.stdout if all(is_file_output(o) for o in outputs) else sys.stderr


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so the buffered rest and the flush at exit go nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def _is_special(target: Path) -> bool:
    """Devices, pipes and sockets are written in place; a rename would replace them."""
    if str(target).startswith("/dev/"):
        return True
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
