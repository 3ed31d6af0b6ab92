"""While the server serves, what was loaded before is left out of garbage collections."""

from __future__ import annotations

import gc
import weakref

from itglue_mcp.cli.serve import loaded_objects_frozen


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_loaded_objects_are_left_out_of_collections_while_serving_and_handed_back_after() -> None:
    loaded = _Node()
    with loaded_objects_frozen():
        # Collections no longer traverse what was loaded before serving...
        assert not any(item is loaded for item in gc.get_objects())
        # ...while the garbage of requests is still collected.
        garbage = _Node()
        freed = weakref.ref(garbage)
        del garbage
        gc.collect()
        assert freed() is None
    assert gc.get_freeze_count() == 0
    assert any(item is loaded for item in gc.get_objects())
