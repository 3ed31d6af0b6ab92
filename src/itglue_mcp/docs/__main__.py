"""``python -m itglue_mcp.docs [DIR]``: write the generated reference pages under DIR."""

from __future__ import annotations

import sys
from pathlib import Path

from itglue_mcp.docs.reference import write_pages

if __name__ == "__main__":
    for path in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "site-pages")):
        sys.stdout.write(f"{path}\n")
