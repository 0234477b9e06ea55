"""Print the Nth fenced shell block of the README's '## Quick start' section (1-based)."""

import re
import sys
from pathlib import Path

text = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text(encoding="utf-8")
section = re.search(r"^## Quick start\s*$(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
if not section:
    sys.exit("README.md has no '## Quick start' section")
blocks = re.findall(r"^```(?:bash|sh|shell)\s*\n(.*?)^```", section.group(1), re.MULTILINE | re.DOTALL)
number = int(sys.argv[1])
if len(blocks) < number:
    sys.exit(f"README.md quick start has {len(blocks)} shell blocks, wanted #{number}")
print(blocks[number - 1].strip())
