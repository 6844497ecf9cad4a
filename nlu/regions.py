"""The regions (maakunnat / landskap) of Finland: names, municipalities and the languages each must serve.

Regional queues, the console and regional content need the same registry, and none of them is about
reading place names in free text (that is nlu.places): so it is loaded here, once, from the municipality
list that is the single source of both.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CSV_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "municipalities.csv"
# A municipality's language status → the official languages it has (fi-sv: bilingual, Finnish majority).
_STATUS_LANGUAGES = {"fi": ("fi",), "sv": ("sv",), "fi-sv": ("fi", "sv"), "sv-fi": ("sv", "fi")}


@dataclass(frozen=True)
class Region:
    code: str                          # "01" Uusimaa … "21" Ahvenanmaa
    name_fi: str
    name_sv: str
    languages: tuple[str, ...]         # every official language of its municipalities, fi before sv
    municipalities: tuple[str, ...]    # municipality codes, sorted

    def name(self, lang: str) -> str:
        """The Swedish name for Swedish, the Finnish one otherwise (also for English, as the signs do)."""
        return self.name_sv if lang == "sv" else self.name_fi


class RegionRegistry:
    """The regions of a municipality CSV (columns code, region_code, region_fi, region_sv, language)."""

    def __init__(self, path: Path | str = CSV_PATH):
        names: dict[str, tuple[str, str]] = {}
        languages: dict[str, set[str]] = {}
        members: dict[str, list[str]] = {}
        with Path(path).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                row = {key: value.strip() for key, value in row.items()}
                code = row["region_code"]
                if names.setdefault(code, (row["region_fi"], row["region_sv"])) != (row["region_fi"], row["region_sv"]):
                    raise ValueError(f"{path}: region {code} has two names, {names[code]} and "
                                     f"{(row['region_fi'], row['region_sv'])}")
                if row["language"] not in _STATUS_LANGUAGES:
                    raise ValueError(f"{path}: municipality {row['code']} has an unknown language {row['language']!r}")
                languages.setdefault(code, set()).update(_STATUS_LANGUAGES[row["language"]])
                members.setdefault(code, []).append(row["code"])
        self._regions = {
            code: Region(code, *names[code], tuple(lang for lang in ("fi", "sv") if lang in languages[code]),
                         tuple(sorted(members[code])))
            for code in sorted(names)
        }

    def get(self, code: str | None) -> Region | None:
        return self._regions.get(code or "")

    def __iter__(self) -> Iterator[Region]:
        """The regions by code."""
        return iter(self._regions.values())

    def __len__(self) -> int:
        return len(self._regions)

    def __contains__(self, code: object) -> bool:
        return code in self._regions

    def name(self, code: str | None, lang: str) -> str | None:
        """The region's name in `lang` (see Region.name), or None for no or an unknown region."""
        region = self.get(code)
        return region.name(lang) if region else None

    def of_municipality(self, municipality_code: str) -> Region | None:
        """The region a municipality belongs to."""
        return next((r for r in self if municipality_code in r.municipalities), None)


@lru_cache(maxsize=1)
def registry() -> RegionRegistry:
    """The registry of knowledge/municipalities.csv, loaded once per process."""
    return RegionRegistry()
