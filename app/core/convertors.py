"""Path convertors. ``{x:plainid}`` never contains a dot, so ``/things/{id}`` cannot swallow ``/things/{id}.ics``
and a method the ``.ics`` path lacks gets 405, not a 422 about a strange id."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class PlainIdConvertor(Convertor[str]):
    regex = "[^/.]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("plainid", PlainIdConvertor())
