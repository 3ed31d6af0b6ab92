"""The simulated IT Glue API as a Starlette app: its route table and error handling.

URL paths use underscores like the real API (``/flexible_assets``); every route is ``GET`` only.
Unknown routes, other methods and handler errors answer JSON:API error documents; see
:mod:`~itglue_mcp.itglue.simulator.limits` for what happens before a route is reached::

    app = create_app(Dataset.load(Path("demo-data")), SimulatorConfig(api_keys={"ITG.demo": True}))
    uvicorn.run(app, host="127.0.0.1", port=8081)

Routes (IT Glue API facts, "Paging, sorting, filtering" table):

- ``/<segment>`` list and ``/<segment>/{id}`` show for organizations, configurations, passwords,
  flexible asset types, flexible assets, contacts, locations, domains, expirations and the
  lookup tables; documents have only the show route, so ``GET /documents`` is 404.
- ``/organizations/{id}/relationships/<segment>`` for configurations, passwords, documents,
  contacts, locations, domains and expirations (flexible assets have no nested list route).
- ``/configurations/{id}/relationships/configuration_interfaces``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from itglue_mcp.itglue.simulator.catalog import RESOURCES
from itglue_mcp.itglue.simulator.config import SimulatorConfig
from itglue_mcp.itglue.simulator.dataset import Dataset
from itglue_mcp.itglue.simulator.handlers import Endpoints
from itglue_mcp.itglue.simulator.limits import GuardMiddleware, SimulatorStats
from itglue_mcp.itglue.simulator.responses import ApiError, error_response

__all__ = ["create_app"]


def create_app(dataset: Dataset, config: SimulatorConfig) -> Starlette:
    """Build the simulator app over ``dataset``.

    Args:
        dataset: the account served; changes made to it are visible to the next request.
        config: API keys, rate limit, latency and fault settings.

    Returns:
        A Starlette app with ``app.state.dataset`` (the dataset), ``app.state.config`` and
        ``app.state.stats`` (a :class:`~itglue_mcp.itglue.simulator.limits.SimulatorStats`
        updated as requests arrive).
    """
    stats = SimulatorStats()
    app = Starlette(
        routes=_routes(Endpoints(dataset, config)),
        middleware=[Middleware(GuardMiddleware, config=config, stats=stats)],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    app.state.dataset = dataset
    app.state.config = config
    app.state.stats = stats
    return app


def _routes(endpoints: Endpoints) -> list[Route]:
    routes: list[Route] = []
    for spec in RESOURCES:
        if spec.listable:
            routes.append(Route(f"/{spec.segment}", endpoints.listing(spec), methods=["GET"]))
        if spec.showable:
            routes.append(Route(f"/{spec.segment}/{{id}}", endpoints.show(spec), methods=["GET"]))
        if spec.under_organization:
            routes.append(
                Route(
                    f"/organizations/{{id}}/relationships/{spec.segment}",
                    endpoints.organization_children(spec),
                    methods=["GET"],
                )
            )
    routes.append(
        Route(
            "/configurations/{id}/relationships/configuration_interfaces",
            endpoints.configuration_interfaces(),
            methods=["GET"],
        )
    )
    return routes


def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)  # registered for ApiError only
    return exc.response()


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # registered for HTTPException only
    details = {
        404: "No such route in the IT Glue API",
        405: "This route only answers GET",
    }
    return error_response(
        exc.status_code, details.get(exc.status_code, exc.detail), exc.headers or {}
    )


def _internal_error(request: Request, exc: Exception) -> Response:
    return error_response(500, "The simulator failed to answer this request")
