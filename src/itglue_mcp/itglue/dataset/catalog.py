"""Hardware and software catalogue: device models per role, their MAC vendor prefixes and serials.

Each :class:`Model` knows its manufacturer's serial-number style, the IEEE OUIs its network
cards use, the operating systems it runs and its usual warranty length::

    model = rng.choice(MODELS["firewall:Fortinet"])
    serial_number(model, rng, mac="00:09:0F:12:34:56")  # 'FGT60FTK21004578'
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Model", "serial_number"]

ALNUM = string.ascii_uppercase + string.digits
DIGITS = string.digits


@dataclass(frozen=True)
class Model:
    """One hardware (or virtual) model.

    Attributes:
        manufacturer: ``manufacturer-name`` as IT Glue shows it.
        name: ``model-name``.
        serial_style: key of the serial-number format (see :func:`serial_number`).
        ouis: MAC vendor prefixes ``"AA:BB:CC"`` its interfaces use.
        systems: operating systems / firmware it may run (empty: none recorded).
        warranty_years: warranty lengths sold with it (empty: no warranty, e.g. virtual machines).
        serial_prefix: fixed start of the serial for styles that encode the model.
    """

    manufacturer: str
    name: str
    serial_style: str
    ouis: tuple[str, ...]
    systems: tuple[str, ...] = ()
    warranty_years: tuple[int, ...] = (3,)
    serial_prefix: str = ""


FIREWALL_BRANDS = ("Fortinet", "Sophos", "SonicWall", "pfSense", "Meraki")

_DELL = ("F4:8E:38", "B8:CA:3A", "D0:94:66", "18:66:DA", "F8:BC:12")
_HPE = ("94:40:C9", "3C:A8:2A", "98:F2:B3", "EC:B1:D7")
_HP = ("3C:52:82", "A0:8C:FD", "10:E7:C6", "9C:8E:99")
_LENOVO = ("54:EE:75", "8C:16:45", "E8:6A:64", "98:FA:9B")
_WINDOWS_SERVER = (
    "Windows Server 2019 Standard",
    "Windows Server 2022 Standard",
    "Windows Server 2022 Standard",
    "Windows Server 2025 Standard",
)
_WINDOWS_CLIENT = ("Windows 11 Pro", "Windows 11 Pro", "Windows 11 Pro", "Windows 10 Pro")
_ESXI = ("VMware ESXi 7.0 U3", "VMware ESXi 8.0 U2", "Windows Server 2022 Datacenter")

MODELS: dict[str, tuple[Model, ...]] = {
    "firewall:Fortinet": (
        Model(
            "Fortinet",
            "FortiGate 60F",
            "fortinet",
            ("00:09:0F", "70:4C:A5"),
            ("FortiOS 7.2.9", "FortiOS 7.4.5"),
            (1, 3, 5),
            "FGT60FTK",
        ),
        Model(
            "Fortinet",
            "FortiGate 100F",
            "fortinet",
            ("00:09:0F", "90:6C:AC"),
            ("FortiOS 7.2.9", "FortiOS 7.4.5"),
            (1, 3, 5),
            "FG100FTK",
        ),
        Model(
            "Fortinet",
            "FortiGate 40F",
            "fortinet",
            ("70:4C:A5",),
            ("FortiOS 7.2.9",),
            (1, 3),
            "FGT40FTK",
        ),
    ),
    "firewall:Sophos": (
        Model(
            "Sophos",
            "XGS 2100",
            "sophos",
            ("00:1A:8C", "7C:5A:1C"),
            ("SFOS 20.0.2 MR-2", "SFOS 21.0.0 GA"),
            (1, 3),
            "X2100",
        ),
        Model("Sophos", "XGS 116", "sophos", ("7C:5A:1C",), ("SFOS 20.0.2 MR-2",), (1, 3), "X1160"),
        Model("Sophos", "XGS 136", "sophos", ("00:1A:8C",), ("SFOS 21.0.0 GA",), (1, 3), "X1360"),
    ),
    "firewall:SonicWall": (
        Model(
            "SonicWall",
            "TZ470",
            "mac",
            ("2C:B8:ED", "18:B1:69"),
            ("SonicOS 7.0.1-5161", "SonicOS 7.1.2-7019"),
            (1, 3),
        ),
        Model(
            "SonicWall", "TZ370", "mac", ("00:17:C5", "2C:B8:ED"), ("SonicOS 7.0.1-5161",), (1, 3)
        ),
        Model("SonicWall", "NSa 2700", "mac", ("18:B1:69",), ("SonicOS 7.1.2-7019",), (1, 3)),
    ),
    "firewall:pfSense": (
        Model(
            "Netgate",
            "Netgate 6100",
            "digits10",
            ("00:08:A2", "90:EC:77"),
            ("pfSense Plus 24.03", "pfSense Plus 24.11"),
            (1, 2),
        ),
        Model(
            "Netgate", "Netgate 4200", "digits10", ("90:EC:77",), ("pfSense Plus 24.11",), (1, 2)
        ),
    ),
    "firewall:Meraki": (
        Model(
            "Cisco Meraki",
            "MX68",
            "meraki",
            ("E0:55:3D", "0C:8D:DB"),
            ("MX 18.107.10",),
            (1, 3, 5),
            "Q2KY",
        ),
        Model(
            "Cisco Meraki",
            "MX85",
            "meraki",
            ("0C:8D:DB", "AC:17:C8"),
            ("MX 18.211.2",),
            (1, 3, 5),
            "Q2MN",
        ),
        Model("Cisco Meraki", "MX105", "meraki", ("AC:17:C8",), ("MX 18.211.2",), (3, 5), "Q2ZY"),
    ),
    "switch": (
        Model(
            "Cisco",
            "Catalyst 9200L-48P-4G",
            "cisco",
            ("70:10:5C", "00:1B:54"),
            ("Cisco IOS XE 17.9.5",),
            (5,),
            "JAE",
        ),
        Model(
            "Cisco",
            "Catalyst 1000-24P-4G-L",
            "cisco",
            ("70:10:5C",),
            ("Cisco IOS 15.2(7)E9",),
            (3,),
            "FOC",
        ),
        Model(
            "HPE Aruba",
            "Aruba 6100 48G CL4 4SFP+",
            "aruba",
            ("20:4C:03", "94:B4:0F"),
            ("ArubaOS-CX 10.13.1000",),
            (5,),
            "CN",
        ),
        Model(
            "Ubiquiti",
            "USW-Pro-48-PoE",
            "mac",
            ("24:5A:4C", "74:83:C2"),
            ("UniFi Switch 7.1.26",),
            (1,),
        ),
        Model(
            "Cisco Meraki",
            "MS120-48LP",
            "meraki",
            ("E0:55:3D", "88:15:44"),
            ("MS 16.8",),
            (3, 5),
            "Q2HP",
        ),
    ),
    "switch:Fortinet": (
        Model(
            "Fortinet",
            "FortiSwitch 148F-FPOE",
            "fortinet",
            ("70:4C:A5",),
            ("FortiSwitchOS 7.2.8",),
            (3, 5),
            "S148FFTF",
        ),
    ),
    "switch:Sophos": (
        Model(
            "Sophos", "CS110-48FP", "sophos", ("7C:5A:1C",), ("Sophos Switch 1.3.2",), (3,), "CS110"
        ),
    ),
    "ap": (
        Model("Ubiquiti", "U6-Pro", "mac", ("F0:9F:C2", "78:8A:20"), ("UniFi AP 6.6.77",), (1,)),
        Model("Ubiquiti", "U6-LR", "mac", ("78:8A:20",), ("UniFi AP 6.6.77",), (1,)),
        Model(
            "HPE Aruba",
            "Instant On AP22",
            "aruba",
            ("20:4C:03",),
            ("Instant On 3.0.0",),
            (3,),
            "CN",
        ),
        Model(
            "Cisco Meraki", "MR46", "meraki", ("E0:55:3D", "88:15:44"), ("MR 30.7",), (3, 5), "Q3AB"
        ),
        Model("Ruckus", "R550", "digits12", ("2C:C5:D3",), ("Unleashed 200.15",), (1, 3)),
    ),
    "ap:Fortinet": (
        Model(
            "Fortinet",
            "FortiAP 231F",
            "fortinet",
            ("90:6C:AC",),
            ("FortiAP 7.2.3",),
            (1, 3),
            "FP231FTF",
        ),
    ),
    "ap:Sophos": (
        Model("Sophos", "APX 320", "sophos", ("00:1A:8C",), ("APX 11.0.019",), (1, 3), "A320"),
    ),
    "server": (
        Model("Dell Inc.", "PowerEdge R650", "dell", _DELL, _WINDOWS_SERVER, (3, 5)),
        Model("Dell Inc.", "PowerEdge T550", "dell", _DELL, _WINDOWS_SERVER, (3, 5)),
        Model("Dell Inc.", "PowerEdge T350", "dell", _DELL, _WINDOWS_SERVER, (3,)),
        Model("HPE", "ProLiant DL360 Gen10 Plus", "hpe", _HPE, _WINDOWS_SERVER, (3, 5)),
        Model("HPE", "ProLiant ML350 Gen11", "hpe", _HPE, _WINDOWS_SERVER, (3,)),
        Model("Lenovo", "ThinkSystem SR650 V2", "lenovo-server", _LENOVO, _WINDOWS_SERVER, (3, 5)),
    ),
    "hypervisor": (
        Model("Dell Inc.", "PowerEdge R750", "dell", _DELL, _ESXI, (3, 5)),
        Model("Dell Inc.", "PowerEdge R760", "dell", _DELL, _ESXI, (5,)),
        Model("HPE", "ProLiant DL380 Gen10 Plus", "hpe", _HPE, _ESXI, (3, 5)),
        Model("Lenovo", "ThinkSystem SR650 V3", "lenovo-server", _LENOVO, _ESXI, (3, 5)),
    ),
    "vm:hyperv": (
        Model(
            "Microsoft Corporation", "Virtual Machine", "hyperv", ("00:15:5D",), _WINDOWS_SERVER, ()
        ),
    ),
    "vm:vmware": (
        Model(
            "VMware, Inc.",
            "VMware7,1",
            "vmware",
            ("00:50:56",),
            (*_WINDOWS_SERVER, "Ubuntu 22.04 LTS"),
            (),
        ),
    ),
    "nas": (
        Model("Synology", "DS1821+", "synology", ("00:11:32",), ("DSM 7.2.1-69057",), (3,), "2150"),
        Model(
            "Synology",
            "RS1221+",
            "synology",
            ("00:11:32", "90:09:D0"),
            ("DSM 7.2.1-69057",),
            (3, 5),
            "2260",
        ),
        Model("QNAP", "TS-873A", "qnap", ("24:5E:BE", "00:08:9B"), ("QTS 5.1.7",), (2, 3)),
    ),
    "ups": (
        Model(
            "APC",
            "Smart-UPS SMT1500RM2UC",
            "apc",
            ("00:C0:B7", "28:29:86"),
            ("NMC AOS 7.0.6",),
            (3,),
            "AS",
        ),
        Model(
            "APC", "Smart-UPS SRT3000RMXLA", "apc", ("28:29:86",), ("NMC AOS 7.0.6",), (2, 3), "AS"
        ),
        Model("Eaton", "5PX 1500 RT2U G2", "eaton", ("00:20:85",), ("Network-M2 2.2.0",), (3,)),
    ),
    "printer": (
        Model("HP", "Color LaserJet Pro MFP 4301fdw", "hp-printer", _HP, (), (1, 3), "VNB"),
        Model("HP", "LaserJet Enterprise M507dn", "hp-printer", _HP, (), (1, 3), "PHC"),
        Model("Brother", "MFC-L8900CDW", "brother", ("30:05:5C", "00:80:77"), (), (1, 2)),
        Model(
            "Canon", "imageRUNNER ADVANCE DX C3826i", "canon", ("F4:81:39", "00:1E:8F"), (), (3, 5)
        ),
        Model("Xerox", "VersaLink C405", "digits10", ("9C:93:4E", "00:00:AA"), (), (3,)),
        Model("Ricoh", "IM C3000", "ricoh", ("58:38:79", "00:26:73"), (), (3, 5)),
    ),
    "workstation": (
        Model("Dell Inc.", "OptiPlex 7010", "dell", _DELL, _WINDOWS_CLIENT, (3, 5)),
        Model("Dell Inc.", "OptiPlex Micro 7020", "dell", _DELL, _WINDOWS_CLIENT, (3,)),
        Model("HP", "EliteDesk 800 G8", "hp", _HP, _WINDOWS_CLIENT, (3,), "MXL"),
        Model("HP", "ProDesk 400 G9", "hp", _HP, _WINDOWS_CLIENT, (1, 3), "8CC"),
        Model("Lenovo", "ThinkCentre M70q Gen 4", "lenovo", _LENOVO, _WINDOWS_CLIENT, (3,), "MJ0"),
        Model(
            "Apple",
            "iMac 24-inch (M3)",
            "apple",
            ("F0:18:98", "A4:83:E7"),
            ("macOS Sonoma 14.7", "macOS Sequoia 15.1"),
            (1, 3),
        ),
    ),
    "laptop": (
        Model(
            "Dell Inc.", "Latitude 5440", "dell", ("A4:C3:F0", "F8:E4:E3"), _WINDOWS_CLIENT, (3,)
        ),
        Model(
            "Dell Inc.", "Latitude 7450", "dell", ("A4:C3:F0", "F8:E4:E3"), _WINDOWS_CLIENT, (3, 4)
        ),
        Model(
            "Lenovo",
            "ThinkPad T14 Gen 4",
            "lenovo",
            ("8C:16:45", "E8:6A:64"),
            _WINDOWS_CLIENT,
            (3,),
            "PF",
        ),
        Model(
            "Lenovo",
            "ThinkPad X1 Carbon Gen 11",
            "lenovo",
            ("8C:16:45",),
            _WINDOWS_CLIENT,
            (3,),
            "PW",
        ),
        Model(
            "HP", "EliteBook 840 G10", "hp", ("10:E7:C6", "A0:8C:FD"), _WINDOWS_CLIENT, (3,), "5CG"
        ),
        Model(
            "Apple",
            "MacBook Pro 14-inch (M3)",
            "apple",
            ("F0:18:98", "A4:83:E7"),
            ("macOS Sonoma 14.7", "macOS Sequoia 15.1"),
            (1, 3),
        ),
        Model(
            "Microsoft Corporation",
            "Surface Laptop 6",
            "digits12",
            ("28:18:78", "C4:9D:ED"),
            _WINDOWS_CLIENT,
            (1, 2),
        ),
    ),
}
"""Models by role; ``<role>:<brand>`` entries keep a site on its firewall vendor's ecosystem."""


def _chars(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


_SerialStyle = Callable[[random.Random, str, str], str]

_SERIAL_STYLES: dict[str, _SerialStyle] = {
    "dell": lambda rng, prefix, mac: _chars(rng, "BCDFGHJKLMNPQRSTVWXYZ0123456789", 7),
    "hp": lambda rng, prefix, mac: prefix + _chars(rng, DIGITS, 3) + _chars(rng, ALNUM, 4),
    "hpe": lambda rng, prefix, mac: (
        rng.choice(("CZJ", "MXQ", "CZ2")) + _chars(rng, DIGITS, 4) + _chars(rng, ALNUM, 3)
    ),
    "lenovo": lambda rng, prefix, mac: prefix + _chars(rng, ALNUM, 8 - len(prefix)),
    "lenovo-server": lambda rng, prefix, mac: "J30" + _chars(rng, ALNUM, 5),
    "apple": lambda rng, prefix, mac: rng.choice(("C02", "FVF", "H4T")) + _chars(rng, ALNUM, 9),
    "fortinet": lambda rng, prefix, mac: prefix + _chars(rng, DIGITS, 16 - len(prefix)),
    "sophos": lambda rng, prefix, mac: prefix + _chars(rng, ALNUM, 15 - len(prefix)),
    "mac": lambda rng, prefix, mac: mac.replace(":", ""),
    "meraki": lambda rng, prefix, mac: f"{prefix}-{_chars(rng, ALNUM, 4)}-{_chars(rng, ALNUM, 4)}",
    "cisco": lambda rng, prefix, mac: prefix + _chars(rng, DIGITS, 4) + _chars(rng, ALNUM, 4),
    "aruba": lambda rng, prefix, mac: prefix + _chars(rng, ALNUM, 8),
    "digits10": lambda rng, prefix, mac: _chars(rng, DIGITS, 10),
    "digits12": lambda rng, prefix, mac: _chars(rng, DIGITS, 12),
    "synology": lambda rng, prefix, mac: (
        prefix + rng.choice(("QBN", "SBR", "PDN")) + _chars(rng, DIGITS, 6)
    ),
    "qnap": lambda rng, prefix, mac: f"Q{_chars(rng, DIGITS, 2)}BI{_chars(rng, DIGITS, 5)}",
    "apc": lambda rng, prefix, mac: prefix + _chars(rng, DIGITS, 10),
    "eaton": lambda rng, prefix, mac: "G" + _chars(rng, ALNUM, 9),
    "hp-printer": lambda rng, prefix, mac: prefix + _chars(rng, ALNUM, 7),
    "brother": lambda rng, prefix, mac: "U6" + _chars(rng, DIGITS, 5) + _chars(rng, ALNUM, 8),
    "canon": lambda rng, prefix, mac: (
        _chars(rng, string.ascii_uppercase, 3) + _chars(rng, DIGITS, 5)
    ),
    "ricoh": lambda rng, prefix, mac: _chars(rng, DIGITS, 4) + "R" + _chars(rng, DIGITS, 6),
    "hyperv": lambda rng, prefix, mac: (
        "-".join(_chars(rng, DIGITS, 4) for _ in range(6)) + "-" + _chars(rng, DIGITS, 2)
    ),
    "vmware": lambda rng, prefix, mac: (
        "VMware-42 " + " ".join(_chars(rng, "0123456789abcdef", 2) for _ in range(8))
    ),
}


def serial_number(model: Model, rng: random.Random, mac: str) -> str:
    """Return a serial number in ``model``'s manufacturer style.

    Args:
        model: the device model.
        rng: the organization's generator.
        mac: the device's primary MAC (``AA:BB:CC:DD:EE:FF``); SonicWall and Ubiquiti serials
            are the MAC without separators, as on real devices.

    Raises:
        KeyError: the model names an unknown serial style.
    """
    return _SERIAL_STYLES[model.serial_style](rng, model.serial_prefix, mac)


CONFIGURATION_TYPES: tuple[tuple[str, str], ...] = (
    ("Managed Server", "server"),
    ("Virtual Server", "server"),
    ("Hypervisor Host", "server"),
    ("Firewall", "network"),
    ("Switch", "network"),
    ("Wireless Access Point", "network"),
    ("Printer", "printer"),
    ("NAS", "storage"),
    ("UPS", "power"),
    ("Managed Workstation", "workstation"),
    ("Laptop", "workstation"),
)
"""``(configuration-type-name, configuration-type-kind)`` pairs of the account."""

CONFIGURATION_STATUSES = ("Active", "Inactive", "Decommissioned")

PASSWORD_CATEGORIES = (
    "Active Directory",
    "Network Device",
    "Web Portal",
    "Email",
    "Database",
    "Wireless",
    "Vendor Portal",
    "Local Admin",
    "BitLocker",
    "Service Account",
    "Out-of-Band Management",
    "Hypervisor",
    "Backup",
    "Remote Access",
    "Domain Registrar",
)
