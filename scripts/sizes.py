#!/usr/bin/env python3
"""Sources and tests over the size limits: files with more than 400 lines,
functions over 80 lines.

    python3 scripts/sizes.py [DIR...]   # default: src tests benches

Under src/, a file's #[cfg(test)] modules (and *_tests.rs files) are not
counted; under a tests/ or benches/ directory everything counts, every
function included. Prints one line per file or function over a limit;
exits 1 if there is one. Counting is by lines (blank and comment lines
included), braces matched after removing strings and comments.
"""
import pathlib
import re
import sys

FILE_LIMIT, FN_LIMIT = 400, 80


def blank_out(text):
    """Text with strings, chars and comments replaced by spaces (lines kept)."""
    out, i, n = [], 0, len(text)
    keep_lines = lambda s: re.sub(r"[^\n]", " ", s)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(keep_lines(text[i:j]))
            i = j
        elif text[i] == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = '"' + hashes
            j = text.find(end, i + 2 + len(hashes))
            j = n if j < 0 else j + len(end)
            out.append(keep_lines(text[i:j]))
            i = j
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(keep_lines(text[i:j + 1]))
            i = j + 1
        elif text[i] == "'" and (m := re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:i + 12])):
            out.append(" " * len(m.group(0)))
            i += len(m.group(0))
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def block_end(s, open_brace):
    depth = 0
    for j in range(open_brace, len(s)):
        if s[j] == "{":
            depth += 1
        elif s[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(s) - 1


def check(path, whole):
    """The lines saying how `path` is over a limit. `whole`: all of it
    counts (a file under tests/ or benches/)."""
    s = blank_out(path.read_text())
    line_of = lambda at: s.count("\n", 0, at)
    tests = []
    if not whole:
        if path.name.endswith("_tests.rs"):
            tests.append((0, s.count("\n")))
        for m in re.finditer(r"#\[cfg\(test\)\]\s*(#\[[^\]]*\]\s*)*mod\s+\w+\s*\{", s):
            tests.append((line_of(m.start()), line_of(block_end(s, m.end() - 1))))
    in_tests = lambda ln: any(a <= ln <= b for a, b in tests)
    lines = s.count("\n") + 1
    code = sum(1 for ln in range(lines) if not in_tests(ln))
    over = []
    if code > FILE_LIMIT:
        where = "lines" if whole else "lines outside tests"
        over.append(f"{path}: {code} {where} (limit {FILE_LIMIT})")
    for m in re.finditer(r"\bfn\s+(\w+)[^;{]*?\{", s):
        start = line_of(m.start())
        if in_tests(start):
            continue
        length = line_of(block_end(s, m.end() - 1)) - start + 1
        if length > FN_LIMIT:
            over.append(f"{path}:{start + 1}: fn {m.group(1)} is {length} lines (limit {FN_LIMIT})")
    return over


def inside_repository(path, root):
    """`path` from the repository's root (this script's parent's parent),
    or from `root`'s parent for a tree elsewhere."""
    path = path.resolve()
    try:
        return path.relative_to(pathlib.Path(__file__).resolve().parent.parent)
    except ValueError:
        return path.relative_to(root.resolve().parent)


def main():
    roots = [pathlib.Path(a) for a in sys.argv[1:]] or [pathlib.Path(d) for d in ("src", "tests", "benches")]
    over = []
    for root in roots:
        if not root.is_dir():
            print(f"{root}: no such directory")
            return 2
        for path in sorted(root.rglob("*.rs")):
            whole = not {"tests", "benches"}.isdisjoint(inside_repository(path, root).parts)
            over += check(path, whole)
    names = " and ".join(str(r) for r in roots)
    print("\n".join(over) if over else f"{names}: every file and function within the limits")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
