"""Reading IT Glue's JSON:API documents into typed records.

The API answers lists as ``{"data": [...], "included": [...], "meta": {...}}`` and show routes
with ``data`` an object (IT Glue API facts: Documents). This module checks each resource's
``type``, ``id`` and ``attributes``, resolves the relationships a model declares
(``configuration-interfaces``, ``related-items``, ``flexible-asset-fields``) against
``included``, and turns every problem into a :class:`MalformedResponse` that says where it is
without quoting the body. It also reads JSON:API error documents into a scrubbed detail line.

Example::

    page = parse_list(response.json(), Configuration)
    for config in page.records:
        print(config.name, [i.ip_address for i in config.interfaces])
    next_number = page.meta.next_page
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from itglue_mcp.itglue.errors import MalformedResponse
from itglue_mcp.itglue.models import RESOURCE_MODELS, ItglueRecord

__all__ = ["Page", "PageMeta", "parse_error_detail", "parse_list", "parse_show"]

R = TypeVar("R", bound=ItglueRecord)

_Included = Mapping[tuple[str, str], Mapping[str, Any]]

_ID = re.compile(r"^[0-9]+$")
# A `type` value short and plain enough to repeat in a message without echoing the body.
_PRINTABLE_TYPE = re.compile(r"^[a-z_-]{1,40}$")

REDACTED = "[redacted]"
DETAIL_MAX_CHARS = 300
# `password: x`, `"api_key"=>"x"`, `otp_secret='x'`, `Password "x"`: the value goes.
_SECRET_PAIR = re.compile(
    r"""(?P<key>["']?[\w-]*(?:password|secret|token|api[_-]?key|otp)[\w-]*["']?"""
    r"""(?:\s*(?:=>|[:=])\s*|\s+(?=["'])))"""
    r"""(?P<value>"[^"]*"|'[^']*'|[^\s,;}\])]+)""",
    re.IGNORECASE,
)
# IT Glue API keys start with "ITG." (IT Glue API facts: Transport).
_ITG_KEY = re.compile(r"ITG\.[A-Za-z0-9._-]+")
# Long runs of base64/hex-like characters mixing letters and digits: tokens, seeds, hashes.
_OPAQUE = re.compile(
    r"(?<![A-Za-z0-9+/_-])(?=[A-Za-z0-9+/_-]*[0-9])(?=[A-Za-z0-9+/_-]*[A-Za-z])"
    r"[A-Za-z0-9+/_-]{20,}={0,2}"
)


@dataclass(frozen=True)
class PageMeta:
    """Paging facts of one list answer (IT Glue API facts: Documents, ``meta``).

    Attributes:
        number: this page's number, from 1 (``current-page``).
        next_page: the next page's number, ``None`` on the last page.
        prev_page: the previous page's number, ``None`` on the first.
        total_pages: pages in the whole listing, if the API said.
        total_count: records in the whole listing, if the API said.
    """

    number: int
    next_page: int | None
    prev_page: int | None
    total_pages: int | None
    total_count: int | None


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of a list answer: the records in API order and the paging facts."""

    records: list[R]
    meta: PageMeta


def parse_list(payload: object, model: type[R]) -> Page[R]:
    """Read a list document into records of ``model``.

    Args:
        payload: the decoded JSON body.
        model: the expected record model; every ``data`` entry must have its ``RESOURCE_TYPE``.

    Returns:
        The page's records with their declared relationships resolved from ``included``
        (linkage without an ``included`` entry is skipped: the request did not ask for it),
        and the page's meta. A document without ``meta`` is a single page.

    Raises:
        MalformedResponse: naming the resource type, record id (if any), member and problem.
    """
    resource_type = model.RESOURCE_TYPE
    document = _document(payload, resource_type)
    data = document["data"]
    if not isinstance(data, list):
        raise MalformedResponse(resource_type, "expected a list", field="member 'data'")
    included = _index_included(document, resource_type)
    records = [
        _parse_resource(item, model, included, f"data[{index}]") for index, item in enumerate(data)
    ]
    return Page(records=records, meta=_parse_meta(document.get("meta"), resource_type))


def parse_show(payload: object, model: type[R]) -> R:
    """Read a show document (``data`` is one object) into a record of ``model``.

    Args:
        payload: the decoded JSON body.
        model: the expected record model.

    Returns:
        The record, relationships resolved as in :func:`parse_list`.

    Raises:
        MalformedResponse: as in :func:`parse_list`.
    """
    resource_type = model.RESOURCE_TYPE
    document = _document(payload, resource_type)
    data = document["data"]
    if not isinstance(data, dict):
        raise MalformedResponse(resource_type, "expected an object", field="member 'data'")
    return _parse_resource(data, model, _index_included(document, resource_type), "data")


def parse_error_detail(payload: object, known_secrets: Collection[str] = ()) -> str | None:
    """Read the ``detail`` (else ``title``) of a JSON:API error document, secrets scrubbed.

    IT Glue API facts (Transport): validation errors may echo submitted values, so values of
    password/secret/token/api-key/otp keys, ``ITG.`` keys, long opaque tokens and every string
    in ``known_secrets`` are replaced by ``[redacted]`` before truncation to 300 characters.

    Args:
        payload: the decoded JSON error body (anything: non-documents give ``None``).
        known_secrets: literal values that must never appear (the client's API key).

    Returns:
        The scrubbed details joined with ``"; "``, or ``None`` if there is none to read.
    """
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(errors, list):
        return None
    parts = []
    for error in errors:
        if isinstance(error, dict):
            text = error.get("detail") or error.get("title")
            if isinstance(text, str) and text.strip():
                parts.append(text.strip())
    if not parts:
        return None
    detail = "; ".join(parts)
    for secret in known_secrets:
        if secret:
            detail = detail.replace(secret, REDACTED)
    detail = _SECRET_PAIR.sub(lambda m: m["key"] + REDACTED, detail)
    detail = _OPAQUE.sub(REDACTED, _ITG_KEY.sub(REDACTED, detail))
    if len(detail) > DETAIL_MAX_CHARS:
        detail = detail[: DETAIL_MAX_CHARS - 1] + "…"
    return detail


def _document(payload: object, resource_type: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise MalformedResponse(resource_type, "body is not a JSON object")
    if "data" not in payload:
        raise MalformedResponse(resource_type, "missing", field="member 'data'")
    return payload


def _index_included(document: Mapping[str, Any], resource_type: str) -> _Included:
    included = document.get("included")
    if included is None:
        return {}
    if not isinstance(included, list):
        raise MalformedResponse(resource_type, "expected a list", field="member 'included'")
    index: dict[tuple[str, str], Mapping[str, Any]] = {}
    for position, entry in enumerate(included):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("type"), str)
            and isinstance(entry.get("id"), str)
        ):
            raise MalformedResponse(
                resource_type, "needs a string type and id", field=f"member 'included[{position}]'"
            )
        index[(entry["type"], entry["id"])] = entry
    return index


def _parse_resource(resource: object, model: type[R], included: _Included, position: str) -> R:
    """Validate one resource object; ``position`` names it while its id is not yet trusted."""
    resource_type = model.RESOURCE_TYPE
    if not isinstance(resource, dict):
        raise MalformedResponse(resource_type, "expected an object", field=f"member '{position}'")
    kind = resource.get("type")
    if kind != resource_type:
        got = f"'{kind}'" if isinstance(kind, str) and _PRINTABLE_TYPE.match(kind) else "another"
        raise MalformedResponse(
            resource_type,
            f"expected '{resource_type}', got {got}",
            field=f"member '{position}.type'",
        )
    record_id = resource.get("id")
    if not (isinstance(record_id, str) and _ID.match(record_id)):
        raise MalformedResponse(
            resource_type, "must be a string of digits", field=f"member '{position}.id'"
        )
    attributes = resource.get("attributes")
    if not isinstance(attributes, dict):
        raise MalformedResponse(
            resource_type,
            "missing or not an object",
            record_id=record_id,
            field="member 'attributes'",
        )
    values: dict[str, Any] = {**attributes, "id": record_id}
    values.update(_resolve_relationships(resource, model, included, record_id))
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = exc.errors(include_url=False, include_input=False)
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        message = str(first["msg"])
        raise MalformedResponse(
            resource_type,
            message[:1].lower() + message[1:] + more,
            record_id=record_id,
            field=f"attribute '{_location(first['loc'])}'",
        ) from None


def _resolve_relationships(
    resource: Mapping[str, Any], model: type[ItglueRecord], included: _Included, record_id: str
) -> dict[str, list[ItglueRecord]]:
    """Resolve the model's declared to-many relationships into lists of child records.

    A relationship's name is also the JSON:API type of its members (``configuration-interfaces``
    holds ``configuration-interfaces``). Children's own relationships are not followed, so a
    cycle in ``included`` cannot recurse.
    """
    relationships = resource.get("relationships")
    if not model.RELATIONSHIPS or relationships is None:
        return {}
    resource_type = model.RESOURCE_TYPE
    if not isinstance(relationships, dict):
        raise MalformedResponse(
            resource_type, "expected an object", record_id=record_id, field="member 'relationships'"
        )
    resolved: dict[str, list[ItglueRecord]] = {}
    for name, field_name in model.RELATIONSHIPS.items():
        relationship = relationships.get(name)
        linkage = relationship.get("data") if isinstance(relationship, dict) else None
        if linkage is None:
            continue
        where = f"relationship '{name}'"
        if not isinstance(linkage, list):
            raise MalformedResponse(
                resource_type, "expected a list of {type, id}", record_id=record_id, field=where
            )
        children: list[ItglueRecord] = []
        for reference in linkage:
            if not isinstance(reference, dict) or reference.get("type") != name:
                raise MalformedResponse(
                    resource_type,
                    f"entries must be of type '{name}'",
                    record_id=record_id,
                    field=where,
                )
            entry = included.get((name, str(reference.get("id"))))
            if entry is None:
                continue
            try:
                children.append(_parse_resource(entry, RESOURCE_MODELS[name], {}, "included"))
            except MalformedResponse as exc:
                raise MalformedResponse(
                    resource_type, str(exc), record_id=record_id, field=where
                ) from None
        resolved[field_name] = children
    return resolved


def _location(loc: tuple[int | str, ...]) -> str:
    """``("contact-emails", 0, "primary")`` -> ``contact-emails[0].primary``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _parse_meta(meta: object, resource_type: str) -> PageMeta:
    if meta is None:
        return PageMeta(
            number=1, next_page=None, prev_page=None, total_pages=None, total_count=None
        )
    if not isinstance(meta, dict):
        raise MalformedResponse(resource_type, "expected an object", field="member 'meta'")

    def number(key: str) -> int | None:
        value = meta.get(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise MalformedResponse(
            resource_type, "must be an integer or null", field=f"member 'meta.{key}'"
        )

    return PageMeta(
        number=number("current-page") or 1,
        next_page=number("next-page"),
        prev_page=number("prev-page"),
        total_pages=number("total-pages"),
        total_count=number("total-count"),
    )
