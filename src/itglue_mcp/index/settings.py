"""The index's settings, defined in :mod:`itglue_mcp.config.index` (config imports no layer).

Kept so the index modules and their callers import their settings from their own package.

Example::

    from itglue_mcp.index.settings import IndexSettings
"""

from itglue_mcp.config.index import IndexSettings, packaged_model_path

__all__ = ["IndexSettings", "packaged_model_path"]
