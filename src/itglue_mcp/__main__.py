"""``python -m itglue_mcp``: the same command line as the ``itglue-mcp`` script."""

from itglue_mcp.cli.main import app

app(prog_name="itglue-mcp")
