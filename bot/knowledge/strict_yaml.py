"""YAML as people write it by hand, read without letting a repeated key silently win.

PyYAML keeps the last of two equal keys in a mapping (``answer:`` twice keeps the second without a
word), the way a CSV reader keeps the last of two equal columns. Here a repeated key is a
``yaml.YAMLError`` with the line of the second one, like any other syntax mistake.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode


class _UniqueKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key; the base class says so properly
                break
            if repeated:
                raise ConstructorError(
                    None, None, f"the key '{key}' appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` that refuses a mapping naming the same key twice."""
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
