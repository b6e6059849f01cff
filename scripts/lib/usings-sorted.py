#!/usr/bin/env python3
"""Fails when a C# file's using directives are not in the order `dotnet format` writes them.

.editorconfig sets dotnet_sort_system_directives_first: System and System.* first, then the rest, each
alphabetically. No analyzer reports this order, so the build cannot; `dotnet format` fixes it. Aliases,
`using static` and `global using` lines are left to `dotnet format`.
"""
import re
import subprocess
import sys

DIRECTIVE = re.compile(r"using ([A-Za-z_][\w.]*);")


def order(name):
    return (not (name == "System" or name.startswith("System.")), name.lower())


unsorted = []
for path in subprocess.run(["git", "ls-files", "*.cs"], capture_output=True, text=True, check=True).stdout.split():
    names = []
    with open(path, encoding="utf-8") as source:
        for line in source:
            if line.startswith(("namespace ", "[", "public ", "internal ")):
                break
            match = DIRECTIVE.match(line)
            if match:
                names.append(match.group(1))
    if names != sorted(names, key=order):
        unsorted.append(path)

for path in unsorted:
    print(f"{path}: using directives are out of order", file=sys.stderr)
sys.exit(1 if unsorted else 0)
