"""How to cite a record or the whole register: one reference, written as a line of text and
as BibTeX, RIS and CSL-JSON, the formats reference managers (Zotero, EndNote...) import.

A reference names the version read when there is one and the day it was read, and points
at the address that keeps saying what was read (a record's ?version=N).
"""

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone

from deployments.explore import records
from deployments.opendata import exports


@dataclass(frozen=True)
class Reference:
    key: str  # the BibTeX key and CSL id
    title: str
    url: str
    updated: dt.date
    accessed: dt.date
    version: int | None = None

    @property
    def author(self) -> str:
        return settings.REGISTER_NAME


def for_record(deployment, version: int | None, absolute_url, accessed: dt.date) -> Reference:
    """`absolute_url(path)` makes an address whole; `version` is the record's latest public
    version, or the one being read."""
    path = deployment.get_absolute_url() + (f"?version={version}" if version else "")
    return Reference(
        key=f"{deployment.slug}-v{version}" if version else deployment.slug,
        title=deployment.title,
        url=absolute_url(path),
        updated=deployment.updated.date(),
        accessed=accessed,
        version=version,
    )


def for_register(url: str, updated: dt.date, accessed: dt.date) -> Reference:
    return Reference(
        key="register-" + updated.strftime("%Y%m%d"),
        title=settings.REGISTER_NAME,
        url=url,
        updated=updated,
        accessed=accessed,
    )


def record_reference(request, deployment, version: int | None = None) -> Reference:
    """How to cite the record: the version read, or its latest public one, read today."""
    if version is None:
        version = max((e["version"] for e in records.public_change_log(deployment)), default=None)
    return for_record(deployment, version, request.build_absolute_uri, timezone.localdate())


def register_reference(request) -> Reference:
    """How to cite the whole register, as it stands since its last public change."""
    changed = exports.last_changed()
    today = timezone.localdate()
    updated = timezone.localtime(changed).date() if changed else today
    return for_register(request.build_absolute_uri(reverse("data")), updated, today)


def _long(day: dt.date) -> str:
    return dateformat.format(day, "j F Y")


def text(ref: Reference) -> str:
    """The line to paste: “Title”. Register, version 3, last updated 1 May 2026. URL
    (accessed 2 May 2026)."""
    title = f"“{ref.title}”. {ref.author}" if ref.title != ref.author else ref.author
    version = f", version {ref.version}" if ref.version else ""
    return (
        f"{title}{version}, last updated {_long(ref.updated)}. {ref.url} "
        f"(accessed {_long(ref.accessed)})."
    )


# BibTeX's special characters, each as LaTeX writes it literally.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_PATTERN = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))


def _bib(value: str) -> str:
    return _BIBTEX_PATTERN.sub(lambda m: _BIBTEX_SPECIAL[m.group()], " ".join(value.split()))


def bibtex(ref: Reference) -> str:
    """A @misc entry (biblatex reads urldate and version too); the author is a body, so its
    name is braced and never split into first and last names."""
    fields = [
        ("title", f"{{{_bib(ref.title)}}}"),
        ("author", f"{{{_bib(ref.author)}}}"),
        ("year", str(ref.updated.year)),
        ("month", ref.updated.strftime("%b").lower()),
        ("date", ref.updated.isoformat()),
        *([("version", str(ref.version))] if ref.version else []),
        ("url", ref.url),
        ("urldate", ref.accessed.isoformat()),
        ("note", _bib(f"Last updated {_long(ref.updated)}; accessed {_long(ref.accessed)}")),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{ref.key},\n{body}\n}}\n"


def ris(ref: Reference) -> str:
    """RIS, tag by tag, each line ending in CRLF as the format asks."""
    lines = [
        ("TY", "ELEC"),
        ("TI", ref.title),
        ("AU", ref.author),
        ("PB", ref.author),
        ("PY", str(ref.updated.year)),
        ("DA", ref.updated.strftime("%Y/%m/%d")),
        *([("ET", f"Version {ref.version}")] if ref.version else []),
        ("UR", ref.url),
        ("Y2", ref.accessed.strftime("%Y/%m/%d")),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def _parts(day: dt.date) -> dict:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_json(ref: Reference) -> str:
    item = {
        "id": ref.key,
        "type": "webpage" if ref.title != ref.author else "dataset",
        "title": ref.title,
        "author": [{"literal": ref.author}],
        "publisher": ref.author,
        "issued": _parts(ref.updated),
        "accessed": _parts(ref.accessed),
        "URL": ref.url,
        **({"version": str(ref.version)} if ref.version else {}),
    }
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


# Format name -> (media type, file extension, writer).
FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bib", bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris", ris),
    "csl.json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json", csl_json),
}

# For the <link rel="alternate"> tags of a page (includes/_cite_head.html).
HEAD_LINKS = [
    ("bib", "application/x-bibtex", "BibTeX"),
    ("ris", "application/x-research-info-systems", "RIS"),
    ("csl.json", "application/vnd.citationstyles.csl+json", "CSL-JSON"),
]
