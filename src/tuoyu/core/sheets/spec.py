"""A sheet's columns by their Chinese headers, and how a header cell is compared with them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation

from ..text import compact
from .cells import Parser, Text, _plain

_UNIT_SUFFIX = re.compile(r"[（(][^（）()]*[)）]$")
_HEADER_NOISE = re.compile(r"[*＊※★☆]|[（(](必填|选填|可选|必须填写)[)）]|必填$|选填$|[:：]$")


@dataclass(frozen=True)
class Column:
    """One column: the key the app reads, the Chinese header, how cells are parsed and explained."""

    key: str
    header: Any
    parser: Parser = field(default_factory=Text)
    required: bool = False
    help: Any = ""
    example: Any = ""
    aliases: tuple[str, ...] = ()
    width: int = 14

    @property
    def label(self) -> str:
        """The header written to files: always Chinese, the offices' exchange language, so a sheet
        exported from an English page loads anywhere (issue #9: headers as in the template)."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self.header)

    def names(self) -> list[str]:
        """Headers accepted when reading: the Chinese one, the page language's, the key, aliases."""
        return [self.label, str(self.header), self.key, *self.aliases]


@dataclass(frozen=True)
class SheetSpec:
    """A kind of sheet: its data sheet's name, its columns and the notes on its 说明 sheet.

    `one_of` lists groups of column keys of which at least one must be present (e.g. a street
    given by its code or by its name)."""

    name: Any
    columns: tuple[Column, ...]
    notes: tuple[Any, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def _header_index(self) -> dict[str, Column]:
        index: dict[str, Column] = {}
        for c in self.columns:
            for name in c.names():
                key = header_key(name)
                index.setdefault(key, c)
                index.setdefault(_UNIT_SUFFIX.sub("", key), c)
        return index


def header_key(text: Any) -> str:
    """A header as compared: NFKC, no spaces or line breaks, no "*"/“（必填）” markers, lower case."""
    key = compact(_plain(text)).replace("\n", "")
    key = _HEADER_NOISE.sub("", key)
    return key.lower()
