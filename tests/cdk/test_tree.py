"""Which stack, stage or function each construct belongs to, from the parents read in one call.

Plain values stand for constructs: `owners` only walks indexes.
"""

from __future__ import annotations

from cdk_datadog.cdk.tree import STACK, STAGE, Tree

#   0 app
#   ├─ 1 stage
#   │  └─ 2 stack
#   │     └─ 3 function
#   └─ 4 stack
#      ├─ 5 nested stack
#      │  └─ 6 function
#      └─ 7 function
TREE = Tree(
    nodes=["app", None, None, "function", None, None, "function", "function"],
    parents=[-1, 0, 1, 2, 0, 4, 5, 4],
    types=[""] * 8,
    kinds=[STAGE, STAGE, STACK, "", STACK, STACK, "", ""],
)


def test_each_construct_belongs_to_its_innermost_stack():
    assert TREE.owners_of_kind(STACK) == [-1, -1, 2, 2, 4, 5, 5, 4]


def test_constructs_inside_a_stage_are_known_as_such():
    assert TREE.owners_of_kind(STAGE) == [-1, 1, 1, 1, -1, -1, -1, -1]


def test_owners_asks_about_indexes_so_constructs_that_did_not_cross_count_too():
    assert TREE.owners(lambda index: index in (2, 4)) == [-1, -1, 2, 2, 4, 4, 4, 4]


def test_the_scope_owns_its_subtree_only_when_asked():
    stack_tree = Tree(["stack", "function"], parents=[-1, 0], types=["", ""], kinds=[STACK, ""])

    assert stack_tree.owners_of_kind(STACK) == [-1, -1]
    assert stack_tree.owners_of_kind(STACK, root_owns=True) == [0, 0]
