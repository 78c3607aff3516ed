"""House measurements for issue 18: module sizes, function sizes, imports inside functions, import cycles.

Run from the repository root: ``python tools/house.py`` (``--edges`` also prints the cross-package edges).
It reads the source with ``ast`` only, so it measures without importing anything.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "kpireport"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(current: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(path: Path, modules: set[str], root: Path = ROOT,
            type_checking: bool = True) -> list[tuple[str, bool]]:
    """(imported kpireport module, inside a function?) for every import in the file; those under
    `if TYPE_CHECKING:` only with `type_checking`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    current = module_name(path, root)
    is_package = path.name == "__init__.py"
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names if alias.name.startswith("kpireport"))
            elif isinstance(child, ast.ImportFrom):
                target = resolve(current, is_package, child)
                if target.startswith("kpireport"):
                    for alias in child.names:
                        sub = f"{target}.{alias.name}"
                        found.append((sub if sub in modules else target, inner))
            elif isinstance(child, ast.If) and not type_checking and _type_checking(child):
                continue
            visit(child, inner)

    visit(tree, False)
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def graph(root: Path = ROOT, type_checking: bool = True) -> dict[str, set[str]]:
    """Module -> the kpireport modules it imports (anywhere in the file)."""
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    modules = set(files)
    return {name: {t for t, _ in imports(path, modules, root, type_checking) if t != name}
            for name, path in files.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


def main() -> None:
    files = sorted(ROOT.rglob("*.py"))
    big_modules = []
    long_functions = []
    inner_imports = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > 400:
            big_modules.append((lines, str(path.relative_to(ROOT.parent))))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > 60:
                    long_functions.append((size, f"{path.relative_to(ROOT.parent)}:{node.name}"))
        inner_imports += _inner_import_statements(text)
    print(f"modules over 400 lines: {len(big_modules)}")
    for lines, name in sorted(big_modules, reverse=True):
        print(f"  {lines:5d} {name}")
    print(f"functions over 60 lines: {len(long_functions)}")
    for size, name in sorted(long_functions, reverse=True):
        print(f"  {size:5d} {name}")
    print(f"import statements inside functions: {inner_imports}")
    found = cycles(graph())
    print(f"import cycles (every import, also inside functions and under TYPE_CHECKING): {len(found)}")
    for comp in found:
        print("  " + " <-> ".join(comp))


def _inner_import_statements(text: str) -> int:
    count = 0
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom) and inner is not node:
                    count += 1
    return count


if __name__ == "__main__":
    main()
