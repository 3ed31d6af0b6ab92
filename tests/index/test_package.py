from __future__ import annotations

import itglue_mcp.index


def test_all_names_exist_and_are_sorted() -> None:
    names = itglue_mcp.index.__all__
    assert names == sorted(names)
    assert [name for name in names if not hasattr(itglue_mcp.index, name)] == []
