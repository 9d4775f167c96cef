"""Which stack, stage or function each construct belongs to, from the parents read in one call.

Plain values stand for constructs: `owners` only walks indexes.
"""

from __future__ import annotations

from cdk_datadog.cdk.tree import Tree

#   0 app
#   ├─ 1 stage
#   │  └─ 2 stack
#   │     └─ 3 function
#   └─ 4 stack
#      ├─ 5 nested stack
#      │  └─ 6 function
#      └─ 7 function
TREE = Tree(
    nodes=["app", "stage", "stack", "function", "stack", "stack", "function", "function"],
    parents=[-1, 0, 1, 2, 0, 4, 5, 4],
    types=[""] * 8,
)


def test_each_construct_belongs_to_its_innermost_stack():
    assert TREE.owners(lambda node: node == "stack") == [-1, -1, 2, 2, 4, 5, 5, 4]


def test_constructs_inside_a_stage_are_known_as_such():
    assert TREE.owners(lambda node: node == "stage") == [-1, 1, 1, 1, -1, -1, -1, -1]


def test_the_scope_owns_its_subtree_only_when_asked():
    stack_tree = Tree(nodes=["stack", "function"], parents=[-1, 0], types=["", ""])

    assert stack_tree.owners(lambda node: node == "stack") == [-1, -1]
    assert stack_tree.owners(lambda node: node == "stack", root_owns=True) == [0, 0]
