#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fails when the project's #include graph has a circle, file to file or
folder to folder (DESIGN.md: "includes never form a circle").

  scripts/check-includes.py [REPO]

Every "quoted" include of a .c/.h file under the source rooms is resolved
the way the build does (the repository root, then the including file's
folder). A file including its own header is not a circle; two modules that
need each other are (x_internal.h counts as part of module x). Folders are nodes of their own: dataplane/ and
dataplane/tftp/ may not include each other either way round. Prints each
circle found and the number of files and edges read; exits 1 on a circle.
"""
import os
import re
import sys

ROOMS = ("dataplane", "control", "config", "bench", "tests")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(repo):
    for room in ROOMS:
        for top, dirs, files in os.walk(os.path.join(repo, room)):
            dirs[:] = sorted(d for d in dirs if not d.startswith("build"))
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(top, f), repo)


def edges(repo, files):
    known = set(files)
    graph = {f: set() for f in files}
    for f in files:
        with open(os.path.join(repo, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            for cand in (os.path.normpath(inc),
                         os.path.normpath(os.path.join(os.path.dirname(f), inc))):
                if cand in known:
                    if cand != f:
                        graph[f].add(cand)
                    break
    return graph


def stem(path):
    """The module a file belongs to: x.c and x.h are one, and a header
    x_internal.h (what x's own files share) is part of x too."""
    base = os.path.splitext(path)[0]
    return base[:-len("_internal")] if base.endswith("_internal") else base


def file_graph(graph):
    """Files as modules: x.c and x.h are one node, so x.c -> x.h is no edge."""
    g = {}
    for f, tos in graph.items():
        node = g.setdefault(stem(f), set())
        for t in tos:
            if stem(t) != stem(f):
                node.add(stem(t))
    return g


def folder_graph(graph):
    g = {}
    for f, tos in graph.items():
        node = g.setdefault(os.path.dirname(f), set())
        for t in tos:
            if os.path.dirname(t) != os.path.dirname(f):
                node.add(os.path.dirname(t))
    return g


def circles(g):
    """Every strongly connected component of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    repo = os.path.abspath(repo)
    files = list(sources(repo))
    graph = edges(repo, files)
    bad = 0
    for kind, g in (("module", file_graph(graph)), ("folder", folder_graph(graph))):
        for comp in circles(g):
            bad += 1
            print("include circle between %ss: %s" % (kind, " <-> ".join(comp)))
            for a in comp:
                for f, tos in graph.items():
                    src = stem(f) if kind == "module" else os.path.dirname(f)
                    if src != a:
                        continue
                    for t in sorted(tos):
                        dst = stem(t) if kind == "module" else os.path.dirname(t)
                        if dst in comp and dst != a:
                            print("    %s includes %s" % (f, t))
    n_edges = sum(len(t) for t in graph.values())
    print("%d files, %d includes, %d circle(s)" % (len(files), n_edges, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
