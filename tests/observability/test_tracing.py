"""Traces of MCP tool calls over HTTP: one trace per call, fastmcp's request span at its root,
the access check, the query stages and the store's SQL below it, the caller's trace continued."""

from __future__ import annotations

from typing import Any

import pytest
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from itglue_mcp.observability.tracing import configure_tracing, tracing_requested
from tests.observability.conftest import (
    READ_ONLY_TOKEN,
    TOKEN,
    Served,
    mcp_http,
    message,
    tool_call,
)

CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


def _by_name(spans: list[ReadableSpan]) -> dict[str, list[ReadableSpan]]:
    named: dict[str, list[ReadableSpan]] = {}
    for span in spans:
        named.setdefault(span.name, []).append(span)
    return named


def _parent_name(span: ReadableSpan, spans: list[ReadableSpan]) -> str | None:
    if span.parent is None:
        return None
    ids = {s.context.span_id: s.name for s in spans}
    return ids.get(span.parent.span_id)


@pytest.mark.parametrize(
    ("environ", "wanted"),
    [
        ({}, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces"}, True),
        ({"OTEL_TRACES_EXPORTER": "otlp"}, True),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, False),
    ],
)
def test_tracing_is_on_only_when_the_environment_names_an_otlp_exporter(
    environ: dict[str, str], wanted: bool
) -> None:
    assert tracing_requested(environ) is wanted


def test_without_otel_settings_no_provider_is_installed() -> None:
    assert configure_tracing("itglue-mcp", "0.0.0", environ={}) is None
    assert not isinstance(trace.get_tracer_provider(), SdkTracerProvider)


async def test_a_tool_call_is_one_trace_from_the_mcp_span_to_sql(
    served: Served, spans: InMemorySpanExporter
) -> None:
    transport = StreamableHttpTransport(f"{served.url}/mcp", auth=TOKEN)
    async with Client(transport) as client:
        result = await client.call_tool(
            "query_documentation", {"question": "how do we reset the firewall at @Acme"}
        )
    assert result.structured_content is not None

    finished = list(spans.get_finished_spans())
    named = _by_name(finished)
    [root] = [s for s in named["tools/call query_documentation"] if s.kind is trace.SpanKind.SERVER]
    attributes = dict(root.attributes or {})
    assert attributes["mcp.method.name"] == "tools/call"
    assert attributes["gen_ai.tool.name"] == "query_documentation"
    assert attributes["gen_ai.operation.name"] == "execute_tool"
    assert "error.type" not in attributes
    call = [s for s in finished if s.context.trace_id == root.context.trace_id]
    # The access check and the answer hang off the MCP span; the stages off the answer.
    [rbac] = [s for s in call if s.name == "rbac.check" and s.parent == root.context]
    assert dict(rbac.attributes or {})["itglue_mcp.rbac.decision"] == "allow"
    [answer] = named["query.answer"]
    assert _parent_name(answer, finished) == "tools/call query_documentation"
    for stage in ("query.scope", "query.intent", "query.handler"):
        assert [_parent_name(s, finished) for s in named[stage]] == ["query.answer"], stage
    assert {_parent_name(s, finished) for s in named["retrieval"]} == {"query.handler"}
    for stage in ("retrieval.full_text", "retrieval.fusion"):
        assert {_parent_name(s, finished) for s in named[stage]} == {"retrieval"}, stage
    [grounding] = named["query.grounding"]
    assert _parent_name(grounding, finished) == "query.handler"
    assert dict(grounding.attributes or {})["itglue_mcp.query.candidates"] > 0
    sql = [s for s in call if s.kind is trace.SpanKind.CLIENT and s.name.startswith("SELECT")]
    assert {_parent_name(s, finished) for s in sql} >= {"query.scope", "retrieval.full_text"}
    assert all("sqlite" in str((s.attributes or {}).get("db.system")) for s in sql)
    assert all(s in call for s in (answer, *named["retrieval"], *named["query.scope"]))


async def test_a_traceparent_header_continues_the_callers_trace(
    served: Served, spans: InMemorySpanExporter
) -> None:
    header = {"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"}
    async with mcp_http(served.url) as http:
        answer = message(
            await http.post("/mcp", json=tool_call("list_organizations", {}), headers=header)
        )
    assert "result" in answer

    [root] = _by_name(list(spans.get_finished_spans()))["tools/call list_organizations"]
    assert trace.format_trace_id(root.context.trace_id) == CALLER_TRACE
    assert root.parent is not None and trace.format_span_id(root.parent.span_id) == CALLER_SPAN
    assert root.parent.is_remote


async def test_a_traceparent_in_params_meta_continues_the_callers_trace(
    served: Served, spans: InMemorySpanExporter
) -> None:
    meta = {"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"}
    async with mcp_http(served.url) as http:
        answer = message(await http.post("/mcp", json=tool_call("list_organizations", {}, meta)))
    assert "result" in answer

    finished = list(spans.get_finished_spans())
    [root] = _by_name(finished)["tools/call list_organizations"]
    assert trace.format_trace_id(root.context.trace_id) == CALLER_TRACE
    assert root.parent is not None and trace.format_span_id(root.parent.span_id) == CALLER_SPAN
    rbac = _by_name(finished)["rbac.check"]
    assert [trace.format_trace_id(s.context.trace_id) for s in rbac] == [CALLER_TRACE]


async def test_a_refused_tool_is_traced_as_a_denial_under_its_own_name(
    served: Served, spans: InMemorySpanExporter
) -> None:
    # client-readonly has no grant for get_password.
    async with mcp_http(served.read_only_url, token=READ_ONLY_TOKEN) as http:
        answer: dict[str, Any] = message(
            await http.post("/mcp", json=tool_call("get_password", {"name": "x"}))
        )
    assert answer["result"]["isError"] is True

    finished = list(spans.get_finished_spans())
    [check] = _by_name(finished)["rbac.check"]
    assert dict(check.attributes or {}) == {
        "gen_ai.tool.name": "get_password",
        "itglue_mcp.rbac.decision": "deny",
    }
    assert check.parent is not None
    [root] = [s for s in finished if s.context.span_id == check.parent.span_id]
    assert (root.attributes or {})["mcp.method.name"] == "tools/call"
