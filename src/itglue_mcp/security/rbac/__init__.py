"""Role-based access control with Casbin: who may read, reveal, sync or administer what.

The Casbin model (:file:`model.conf`) is RBAC with domains: a request is (subject, domain,
object, action) with subject ``user:<sub>``, ``group:<IdP group>`` or ``role:<role>``, domain
an IT Glue organization id or ``*``, object a tool name, a record type or ``audit``, action
``read``/``reveal``/``sync``/``admin``. Built-in roles (:file:`builtin.csv`): ``msp-admin``,
``technician``, ``helpdesk``, ``auditor``, ``client-readonly``; more lines come from
``rbac.bindings``, a policy file or the database, reloaded without restart.

Example::

    authorizer = await build_authorizer(settings, sessions)
    permissions = await authorizer.permissions(caller, ["search", "get_password"])
    permissions.may_reveal(42)
"""

from itglue_mcp.security.rbac.authorizer import (
    AUDIT_OBJECT,
    REVEAL_OBJECT,
    Authorizer,
    caller_identities,
)
from itglue_mcp.security.rbac.build import build_authorizer
from itglue_mcp.security.rbac.permissions import Action, Permissions
from itglue_mcp.security.rbac.reload import publish_policy_change
from itglue_mcp.security.rbac.sources import (
    BUILTIN_ROLES,
    DatabasePolicy,
    PolicyLine,
    check_line,
    parse_policy_text,
)

__all__ = [
    "AUDIT_OBJECT",
    "BUILTIN_ROLES",
    "REVEAL_OBJECT",
    "Action",
    "Authorizer",
    "DatabasePolicy",
    "Permissions",
    "PolicyLine",
    "build_authorizer",
    "caller_identities",
    "check_line",
    "parse_policy_text",
    "publish_policy_change",
]
