"""A faithful IT Glue API simulator: a dataset directory served over HTTP as IT Glue would.

Used by ``itglue-mcp simulate``/``demo`` and by tests that exercise the API client and the sync
over real HTTP. It honours the behaviours in the IT Glue API facts sheet, quirks included
(ignored unknown filters, root-only document lists, the required flexible asset type filter,
secrets only on show with Password Access, 429 over a rolling window)::

    from itglue_mcp.itglue.simulator import Dataset, SimulatorConfig, create_app

    dataset = Dataset.load(Path("demo-data"))
    app = create_app(dataset, SimulatorConfig(api_keys={"ITG.demo": True}, rate_limit=3000))

Modules: ``catalog`` (routes and documented filters per type), ``config`` (settings),
``dataset`` (in-memory records, loading and validation), ``ordering`` (sort), ``query`` (filters
and paging), ``redaction`` (secrets), ``documents`` (JSON:API bodies), ``responses`` (errors),
``limits`` (keys, rate limit, faults), ``handlers`` and ``app`` (routes).
"""

from itglue_mcp.itglue.simulator.app import create_app
from itglue_mcp.itglue.simulator.config import SimulatorConfig
from itglue_mcp.itglue.simulator.dataset import Dataset, DatasetError
from itglue_mcp.itglue.simulator.limits import SimulatorStats

__all__ = [
    "Dataset",
    "DatasetError",
    "SimulatorConfig",
    "SimulatorStats",
    "create_app",
]
