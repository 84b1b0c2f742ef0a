"""Reading the templates to learn whether one rendering can serve every recipient of an event.

A rendering can be shared when the templates (with everything they extend, include or import)
never look at the recipient, and print the unsubscribe link only as a plain ``{{ unsubscribe_url }}``:
then a placeholder rendered in its place can be swapped for each recipient's link afterwards and
the result is the same text a full rendering gives. Anything else (a filter, a test, a macro
argument, a dynamic include) makes the answer "no", and each recipient is rendered in full.
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2 import Environment, meta, nodes

RECIPIENT = "recipient"
LINK = "unsubscribe_url"
# Output under these nodes can be transformed before it reaches the message.
_WRAPPERS = (nodes.Macro, nodes.CallBlock, nodes.FilterBlock)


def _names(node: nodes.Node, name: str) -> int:
    return sum(1 for found in node.find_all(nodes.Name) if found.name == name)


def _printed_plainly(tree: nodes.Template, name: str) -> int:
    """How many uses of ``name`` are a bare ``{{ name }}`` outside macros, call blocks and filter blocks."""
    if any(_names(wrapper, name) for wrapper in tree.find_all(_WRAPPERS)):
        return -1
    return sum(
        1
        for output in tree.find_all(nodes.Output)
        for child in output.nodes
        if isinstance(child, nodes.Name) and child.name == name
    )


def _closure(env: Environment, names: Iterable[str]) -> dict[str, nodes.Template] | None:
    """Every template reachable from ``names``, parsed; None if one is chosen at run time."""
    assert env.loader is not None
    pending, parsed = list(names), {}
    while pending:
        name = pending.pop()
        if name in parsed:
            continue
        tree = env.parse(env.loader.get_source(env, name)[0])
        parsed[name] = tree
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                return None
            pending.append(referenced)
    return parsed


def shareable(env: Environment, names: Iterable[str], *, link_allowed: bool) -> bool:
    """True when one rendering with a placeholder link is exact for every recipient."""
    trees = _closure(env, names)
    if trees is None:
        return False
    for tree in trees.values():
        if _names(tree, RECIPIENT):
            return False
        uses = _names(tree, LINK)
        if uses and (not link_allowed or _printed_plainly(tree, LINK) != uses):
            return False
    return True
