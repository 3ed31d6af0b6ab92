"""Request handlers of the simulated API: list, show and nested list routes.

Each factory method of :class:`Endpoints` returns the Starlette endpoint for one route of one
resource type from :mod:`~itglue_mcp.itglue.simulator.catalog`. Handlers read the live
:class:`~itglue_mcp.itglue.simulator.dataset.Dataset` on every request, so changes made with
``put``/``delete`` show up on the next one::

    endpoints = Endpoints(dataset, config)
    Route("/configurations", endpoints.listing(CONFIGURATIONS))
    Route("/organizations/{id}/relationships/documents", endpoints.organization_children(DOCUMENTS))
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from itglue_mcp.itglue.simulator.catalog import (
    CONFIGURATION_INTERFACES,
    CONFIGURATIONS,
    ORGANIZATIONS,
    FilterKind,
    FilterSpec,
    ResourceSpec,
)
from itglue_mcp.itglue.simulator.config import SimulatorConfig
from itglue_mcp.itglue.simulator.dataset import Dataset
from itglue_mcp.itglue.simulator.documents import collect_included, list_document, show_document
from itglue_mcp.itglue.simulator.ordering import sort_records
from itglue_mcp.itglue.simulator.query import (
    Predicate,
    all_of,
    canonical_id,
    paginate,
    parse_include,
    parse_list_query,
)
from itglue_mcp.itglue.simulator.redaction import SecretFilter, reveal_secrets
from itglue_mcp.itglue.simulator.responses import ApiError, JsonApiResponse

__all__ = ["Endpoint", "Endpoints"]

Record = dict[str, Any]
Endpoint = Callable[[Request], Awaitable[Response]]

# Types whose show route honours show_password (IT Glue API facts: passwords' `password` and
# flexible assets' Password-kind traits).
_TYPES_WITH_SECRETS = frozenset({"passwords", "flexible-assets"})


class Endpoints:
    """Builds the endpoints of the simulated API over one dataset.

    Args:
        dataset: the account served; read on every request.
        config: API keys and their Password Access flags.
    """

    def __init__(self, dataset: Dataset, config: SimulatorConfig) -> None:
        self._dataset = dataset
        self._config = config

    def listing(self, spec: ResourceSpec) -> Endpoint:
        """``GET /<segment>``: every record of the type, filtered, sorted and paged."""

        async def endpoint(request: Request) -> Response:
            return self._list(request, spec)

        return endpoint

    def show(self, spec: ResourceSpec) -> Endpoint:
        """``GET /<segment>/{id}``: one record, 404 for an unknown id.

        For passwords and flexible assets, secrets are revealed only when the key has Password
        Access and ``show_password`` is not ``false`` (see
        :func:`~itglue_mcp.itglue.simulator.redaction.reveal_secrets`).
        """

        async def endpoint(request: Request) -> Response:
            record = self._find(spec, request.path_params["id"])
            reveal = spec.type in _TYPES_WITH_SECRETS and reveal_secrets(
                request.query_params.get("show_password"), self._password_access(request)
            )
            include = parse_include(request.query_params.get("include"))
            included = collect_included(
                self._dataset, [record], include, SecretFilter(self._dataset, reveal=False)
            )
            data = SecretFilter(self._dataset, reveal).apply(record)
            return JsonApiResponse(show_document(data, included))

        return endpoint

    def organization_children(self, spec: ResourceSpec) -> Endpoint:
        """``GET /organizations/{id}/relationships/<segment>``: one organization's records.

        Records belong to the organization named by their ``organization-id`` attribute; an
        unknown organization answers 404. The type's documented filters apply on top.
        """

        async def endpoint(request: Request) -> Response:
            organization = self._find(ORGANIZATIONS, request.path_params["id"])
            organization_id = canonical_id(organization["id"])

            def in_organization(record: Record) -> bool:
                return canonical_id(record["attributes"].get("organization-id")) == organization_id

            return self._list(request, spec, scope=[in_organization])

        return endpoint

    def configuration_interfaces(self) -> Endpoint:
        """``GET /configurations/{id}/relationships/configuration_interfaces``.

        Lists the interfaces the configuration's ``configuration-interfaces`` relationship
        points to (the dataset format carries them as ``included`` entries); an unknown
        configuration answers 404.
        """

        async def endpoint(request: Request) -> Response:
            configuration = self._find(CONFIGURATIONS, request.path_params["id"])
            interfaces = self._dataset.related(configuration, "configuration-interfaces")
            return self._list(request, CONFIGURATION_INTERFACES, candidates=interfaces)

        return endpoint

    def _list(
        self,
        request: Request,
        spec: ResourceSpec,
        scope: Sequence[Predicate] = (),
        candidates: Sequence[Record] | None = None,
    ) -> Response:
        query = parse_list_query(request.query_params, spec)
        predicates = list(scope)
        if query.predicate is not None:
            predicates.append(query.predicate)
        predicates.extend(_root_level_only(spec, query.applied))
        ordered = (
            self._dataset.ordered(spec.type, query.sort)
            if candidates is None
            else sort_records(candidates, query.sort)
        )
        page = paginate(ordered, all_of(predicates), query.page)
        secrets = SecretFilter(self._dataset, reveal=False)
        rows = [secrets.apply(record) for record in page.records]
        included = collect_included(self._dataset, page.records, query.include, secrets)
        return JsonApiResponse(list_document(page, rows, included, request.url))

    def _find(self, spec: ResourceSpec, resource_id: str) -> Record:
        record = self._dataset.get(spec.type, resource_id)
        if record is None:
            shown = resource_id if resource_id.isascii() and resource_id.isdigit() else "given"
            raise ApiError(404, f"No {spec.type} record with id {shown}")
        return record

    def _password_access(self, request: Request) -> bool:
        return self._config.api_keys.get(request.headers.get("x-api-key", ""), False)


def _root_level_only(spec: ResourceSpec, applied: frozenset[FilterSpec]) -> list[Predicate]:
    """The documents quirk: root-level documents only, unless the folder filter is sent.

    IT Glue API facts (reported): "the list returns only root-level documents unless
    `filter[document_folder_id]=null` is sent"; ``null`` lifts the restriction, folder ids
    select those folders.
    """
    folder_filters = [f for f in spec.filters.values() if f.kind is FilterKind.DOCUMENT_FOLDER]
    if not folder_filters or any(f in applied for f in folder_filters):
        return []
    attribute = folder_filters[0].attribute
    return [lambda record: record["attributes"].get(attribute) is None]
