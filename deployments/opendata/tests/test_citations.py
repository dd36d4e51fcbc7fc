"""Citations that last: a record's and the register's reference, as a line to copy and as
BibTeX, RIS and CSL-JSON, naming the version read and the day it was read."""

import json

import bibtexparser
import pytest
from django.utils import timezone

from deployments.core import edits
from deployments.tests.cast import make_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def _publish_an_edit(deployment, title: str):
    # A public edit makes a new version, which the citation must name.
    with edits.recording(None, "Synthetic correction."):
        deployment.title = title
        deployment.save()


def test_it_gives_bibtex_a_reference_manager_can_parse(client, cast):
    _publish_an_edit(cast.camera, "Synthetic {odd} & 100% title_x #1")
    response = client.get("/deployments/camera/cite.bib")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert 'filename="camera.bib"' in response["Content-Disposition"]
    entries = bibtexparser.loads(response.content.decode()).entries
    assert len(entries) == 1
    entry = entries[0]
    assert entry["ENTRYTYPE"] == "misc"
    assert entry["title"] == r"{Synthetic \{odd\} \& 100\% title\_x \#1}"
    assert entry["author"] == "{Surveillance Transparency Register}"
    version = entry["version"]
    assert entry["url"] == f"http://testserver/deployments/camera/?version={version}"
    assert entry["urldate"] == timezone.localdate().isoformat()
    assert entry["ID"] == f"camera-v{version}"


def test_it_gives_ris_with_crlf_lines(client, cast):
    body = client.get("/deployments/camera/cite.ris").content.decode()
    lines = body.split("\r\n")
    assert lines[0] == "TY  - ELEC"
    assert "TI  - Synthetic camera" in lines
    assert lines[-2] == "ER  - " and lines[-1] == ""
    assert any(line.startswith("UR  - http://testserver/deployments/camera/") for line in lines)
    assert f"Y2  - {timezone.localdate():%Y/%m/%d}" in lines


def test_it_gives_csl_json(client, cast):
    response = client.get("/deployments/camera/cite.csl.json")
    (item,) = json.loads(response.content)
    assert item["type"] == "webpage"
    assert item["title"] == "Synthetic camera"
    assert item["author"] == [{"literal": "Surveillance Transparency Register"}]
    today = timezone.localdate()
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}


def test_it_cites_the_version_asked_for(client, cast):
    _publish_an_edit(cast.camera, "Synthetic camera, corrected")
    older = client.get("/deployments/camera/?version=1")
    assert "?version=1" in older.context["citation"]
    entry = bibtexparser.loads(
        client.get("/deployments/camera/cite.bib?version=1").content.decode()
    )
    assert entry.entries[0]["version"] == "1"
    assert client.get("/deployments/camera/cite.bib?version=99").status_code == 404
    assert client.get("/deployments/camera/cite.doc").status_code == 404
    assert client.get("/deployments/draft/cite.bib").status_code == 404


def test_it_shows_the_citation_with_its_downloads_and_lists_them_in_the_head(client, cast):
    response = client.get("/deployments/camera/")
    body = response.content.decode()
    citation = response.context["citation"]
    assert "accessed" in citation and "version" in citation
    assert f'<p class="cite-this" id="cite-text">{citation}</p>' in body
    assert 'class="copy-button"' in body
    head = body.split("</head>")[0]
    for kind in ("application/x-bibtex", "application/x-research-info-systems"):
        assert f'<link rel="alternate" type="{kind}"' in head
    assert '<meta name="citation_title" content="Synthetic camera">' in head
    assert client.get("/deployments/camera.json").json()["cite_as"] == citation


def test_it_cites_the_whole_register_on_the_data_page(client, cast):
    body = client.get("/data/").content.decode()
    assert 'href="/data/cite.bib"' in body
    entry = bibtexparser.loads(client.get("/data/cite.bib").content.decode()).entries[0]
    assert entry["url"] == "http://testserver/data/"
    assert entry["title"] == "{Surveillance Transparency Register}"
