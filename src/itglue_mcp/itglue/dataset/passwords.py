"""Passwords: the record factory and realistic secret values.

:class:`PasswordFactory` makes ``passwords`` records with the secret in ``password`` (the dataset
files carry secrets so the simulator can decide when to reveal them); which credentials exist is
decided in :mod:`~itglue_mcp.itglue.dataset.credentials`::

    factory = PasswordFactory(tenant, rng)
    factory.make("Sophos Central", category="Vendor Portal", username="it@acmecorp.com")
"""

from __future__ import annotations

import random
import string

from itglue_mcp.itglue.dataset.records import (
    Record,
    epoch,
    last_update,
    lifespan,
    resource_url,
    stamps,
    timestamp,
)
from itglue_mcp.itglue.dataset.tenant import Device, Tenant
from itglue_mcp.itglue.dataset.vocabulary import PASSPHRASE_WORDS

__all__ = ["PasswordFactory", "secret"]

_SYMBOLS = "!@#$%^&*-_=+?"


def secret(rng: random.Random, style: str = "complex") -> str:
    """Return a realistic secret value.

    Args:
        rng: the organization's generator.
        style: ``"complex"`` (14-24 mixed characters), ``"passphrase"`` (Word-Word-Word42!),
            ``"bitlocker"`` (eight six-digit groups, each a multiple of 11) or ``"recovery"``
            (six groups of four characters, like a FileVault key).
    """
    if style == "passphrase":
        return (
            "-".join(rng.sample(PASSPHRASE_WORDS, 3)) + f"{rng.randint(10, 99)}{rng.choice('!#$%')}"
        )
    if style == "bitlocker":
        return "-".join(f"{11 * rng.randint(0, 65535):06d}" for _ in range(8))
    if style == "recovery":
        alphabet = string.ascii_uppercase + string.digits
        return "-".join("".join(rng.choice(alphabet) for _ in range(4)) for _ in range(6))
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, _SYMBOLS)
    chars = [rng.choice(group) for group in classes]
    chars += [rng.choice("".join(classes)) for _ in range(rng.randint(10, 20))]
    rng.shuffle(chars)
    return "".join(chars)


class PasswordFactory:
    """Creates the ``passwords`` records of one organization and files them on the tenant.

    Args:
        tenant: the organization.
        rng: a generator for password values and dates.
    """

    def __init__(self, tenant: Tenant, rng: random.Random) -> None:
        self._tenant = tenant
        self._rng = rng
        self._categories = tenant.account.lookups.password_categories
        self._folders: dict[str, int] = {}

    def folder(self, name: str) -> int:
        """Return the id of the organization's password folder ``name`` (created on first use)."""
        if name not in self._folders:
            self._folders[name] = self._tenant.account.ids.next("password-folders")
        return self._folders[name]

    def make(
        self,
        name: str,
        *,
        category: str,
        username: str | None,
        url: str | None = None,
        notes: str | None = None,
        resource: Record | None = None,
        style: str = "complex",
        folder: str | None = None,
        archived: bool = False,
    ) -> Record:
        """Create one password (appended to ``tenant.passwords``) and return it.

        Args:
            name: password name.
            category: a password category name.
            username: login name, or ``None``.
            url: login address, or ``None``.
            notes: free text, or ``None``.
            resource: the configuration or flexible asset it belongs to, ``None`` for an
                organization-level password.
            style: secret style, see :func:`secret`.
            folder: password folder name, or ``None`` for the root.
            archived: soft-deleted.

        Raises:
            KeyError: unknown category.
        """
        rng, tenant = self._rng, self._tenant
        not_before = (
            tenant.created if resource is None else epoch(resource.attributes["created-at"])
        )
        created, updated = lifespan(rng, not_before)
        category_record = self._categories[category]
        record_id = tenant.account.ids.next("passwords")
        resource_type = None
        if resource is not None:
            resource_type = (
                "Configuration" if resource.type == "configurations" else "FlexibleAsset"
            )
        portal = category in ("Web Portal", "Vendor Portal", "Email", "Domain Registrar")
        attributes = {
            **tenant.owned(),
            "resource-url": resource_url(tenant.organization.id, "passwords", record_id),
            "name": name,
            "username": username,
            "password": secret(rng, style),
            "url": url,
            "notes": notes,
            "password-category-id": category_record.id,
            "password-category-name": category_record.name,
            "password-folder-id": None if folder is None else self.folder(folder),
            "resource-type": resource_type,
            "resource-id": None if resource is None else resource.id,
            "cached-resource-name": None if resource is None else resource.name,
            "otp-enabled": portal and rng.random() < 0.5,
            "password-updated-at": timestamp(last_update(rng, created, updated)),
            "archived": archived,
            **stamps(created, updated),
        }
        record = Record("passwords", record_id, attributes, {"related-items": []})
        tenant.passwords.append(record)
        return record

    def for_device(
        self,
        device: Device,
        name: str,
        *,
        category: str,
        username: str | None,
        url: str | None = None,
        notes: str | None = None,
        style: str = "complex",
    ) -> Record:
        """Create a password named ``"<device> - <name>"`` whose resource is ``device``."""
        record = self.make(
            f"{device.record.name} - {name}",
            category=category,
            username=username,
            url=url,
            notes=notes,
            resource=device.record,
            style=style,
            archived=bool(device.record.attributes["archived"]),
        )
        device.passwords.append(record)
        return record
