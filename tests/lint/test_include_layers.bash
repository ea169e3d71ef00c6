#!/usr/bin/env bash
# docs/ARCHITECTURE.md's layer table is the tree's include graph, and that graph only points down
# (issue 21). A part is cmd/, a folder of lib/, or a file at lib/'s top by its stem (error,
# error_context, filter). From the `#include "..."` lines of every .cpp/.hpp under lib/ and cmd/
# this derives which part includes which, then fails on
#   - an include the table does not list for its part (an edge nobody placed),
#   - a listed include that no file makes any more (the table must say what the tree does),
#   - a listed include that points to the same or a higher layer (so the table cannot be
#     "fixed" by listing an edge that runs up or sideways),
#   - a part of the tree the table does not name, or a part the table names that is gone.
# `--print` prints the table as the tree has it, to paste after a deliberate change.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
exec python3 - "$root" "$@" <<'PY'
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
doc = root / "docs" / "ARCHITECTURE.md"
include = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def part_of(path):
    """The part a file of lib/ or cmd/ belongs to (path relative to the root)."""
    if path.parts[0] == "cmd":
        return "cmd"
    if len(path.parts) == 2:  # lib/<file>: its stem
        return path.stem
    return path.parts[1]


def target_of(source, name):
    """The part that `#include "name"` in `source` reaches (includes are rooted at lib/, and cmd's
    own headers sit beside its sources), or None for a header of neither."""
    if source.parts[0] == "cmd" and (root / "cmd" / name).exists():
        return "cmd"
    path = root / "lib" / name
    if not path.exists():
        return None
    return part_of(path.relative_to(root))


edges = {}  # (from, to) -> the first file and include that make it
parts = set()
for top in ("lib", "cmd"):
    for path in sorted((root / top).rglob("*")):
        if path.suffix not in (".cpp", ".hpp"):
            continue
        source = path.relative_to(root)
        parts.add(part_of(source))
        for name in include.findall(path.read_text()):
            to = target_of(source, name)
            if to is not None and to != part_of(source):
                edges.setdefault((part_of(source), to), f'{source} includes "{name}"')

if sys.argv[2:] == ["--print"]:
    for part in sorted(parts):
        print(f"| {part} | {', '.join(sorted(t for f, t in edges if f == part)) or '-'} |")
    sys.exit(0)

# The table: rows "| <layer> | <part> | <includes, comma-separated, or -> |" after the line that
# starts with "| layer | part | includes from |".
layer, listed = {}, {}
rows = doc.read_text().split("\n")
start = next(i for i, line in enumerate(rows) if line.startswith("| layer | part | includes from |"))
for line in rows[start + 2:]:
    if not line.startswith("|"):
        break
    cells = [cell.strip().strip("`") for cell in line.strip("|").split("|")]
    number, part, includes = int(cells[0]), cells[1], cells[2]
    layer[part] = number
    listed[part] = set() if includes == "-" else {name.strip().strip("`") for name in includes.split(",")}

problems = []
for part in sorted(parts - layer.keys()):
    problems.append(f"{part}: a part of the tree that {doc.name}'s layer table does not place")
for part in sorted(layer.keys() - parts):
    problems.append(f"{part}: in {doc.name}'s layer table but not in the tree")
for (source, to), where in sorted(edges.items()):
    if source in listed and to not in listed[source]:
        problems.append(f"{source} -> {to} ({where}): not in {doc.name}'s layer table")
for source, targets in sorted(listed.items()):
    for to in sorted(targets):
        if to not in layer:
            problems.append(f"{source} -> {to}: {to} is not a part of the table")
        elif layer[to] >= layer[source]:
            problems.append(f"{source} (layer {layer[source]}) -> {to} (layer {layer[to]}): includes only point down")
        elif (source, to) not in edges:
            problems.append(f"{source} -> {to}: listed in {doc.name}, but no file of {source} includes {to}")
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
