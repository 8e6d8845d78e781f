"""The three fictional businesses and what their customers say (informal Indonesian, slang and emoji).

The businesses are data, in businesses.toml beside this module; the customers' names and small talk are here.
"""

from __future__ import annotations

import tomllib
from importlib import resources


def _businesses() -> dict[str, dict]:
    """The businesses of businesses.toml by tenant id, in the file's order; products as (name, variant) pairs."""
    text = resources.files("pipelines.demo").joinpath("businesses.toml").read_text(encoding="utf-8")
    return {tenant_id: biz | {"products": [tuple(p) for p in biz["products"]]}
            for tenant_id, biz in tomllib.loads(text).items()}


BUSINESSES = _businesses()

CUSTOMER_FIRST = ["Rina", "Dewi", "Sari", "Putri", "Ayu", "Budi", "Andi", "Rizky", "Fajar", "Nur", "Siti", "Wulan",
                  "Indah", "Yuni", "Agus", "Hendra", "Lestari", "Mega", "Tika", "Dimas", "Fitri", "Rahmat", "Intan"]
CUSTOMER_LAST = ["Wati", "Lestari", "Pratama", "Saputra", "Hidayat", "Kusuma", "Rahayu", "Santoso", "Nasution", ""]
HONORIFICS = ["Bu", "Kak", "Mbak", "Pak", "Mas", ""]
SMALL_TALK = ["oke kak", "makasih ya kak 🙏", "sip", "udah transfer ya kak", "ditunggu kak", "👍", "wkwk iya kak",
              "siap", "alamat sama kayak kemarin ya"]
