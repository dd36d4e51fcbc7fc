"""What a CSV export must hold, two ways the tests check it:

- from_tables(): the header, then each line as the statement defined by csv_export.CELLS writes
  it from the tables now, with nothing stored. An export from stored lines must equal it, or a
  stored line is stale.
- from_json(): the header, then each record of the JSON list (exports.json_item), flattened
  into the CSV's columns. The CSV must say what the JSON says of every record, so this checks
  every cell of CELLS against an output written by other code (Python, from the ORM).
"""

from deployments.opendata import cells, csv_export, dictionary, exports


def _header() -> bytes:
    return cells.csv_writer().writerow(exports.EXPORT_HEADER).encode()


def from_tables(deployments, base_url: str) -> bytes:
    return _header() + "".join(csv_export.lines(deployments, base_url)).encode()


def from_json(deployments, base_url: str) -> bytes:
    urls = exports.Urls(base_url)
    writer = cells.csv_writer()
    rows = [
        writer.writerow(_row(exports.json_item(record, urls)))
        for ids in exports.batched(exports.ordered_ids(deployments))
        for record in exports.fetch_records(ids)
    ]
    return _header() + "".join(rows).encode()


def _row(item: dict) -> list[str]:
    """A JSON item as the CSV's cells: lists joined (cells.join_multi), text neutralised."""
    join = cells.join_multi

    def floats(values) -> str:
        return "; ".join("" if v is None else repr(v) for v in values)

    roles = item["organisations"]
    cost = item["headline_cost"] or {}
    point = next((loc for loc in item["locations"] if loc["latitude"] is not None), None)
    placed = point or (item["locations"] or [None])[0]
    values = {
        "id": str(item["id"]),
        "slug": item["slug"],
        "url": item["url"],
        "title": item["title"],
        "summary": item["summary"],
        "status": item["status"],
        "technologies": join(t["name"] for t in item["technologies"]),
        "operators": join(r["name"] for r in roles if r["role"] == "operator"),
        "suppliers": join(r["name"] for r in roles if r["role"] == "supplier"),
        "other_organisations": join(
            f"{r['name']} ({r['role']})" for r in roles if r["role"] not in ("operator", "supplier")
        ),
        "organisation_notes": join(
            f"{r['name']} ({r['role']}): {r['note']}" for r in roles if r["note"]
        ),
        "countries": join(item["countries"]),
        "start_date": item["start"]["date"] or "",
        "start_precision": item["start"]["precision"],
        "end_date": item["end"]["date"] or "",
        "end_precision": item["end"]["precision"],
        "scale": item["scale"],
        "cost_amount": cost.get("amount") or "",
        "cost_currency": cost.get("currency", ""),
        "cost_covers": cost.get("covers", ""),
        "cost_qualifier": cost.get("qualifier", ""),
        "cost_note": cost.get("note", ""),
        "legal_basis": join(b["label"] for b in item["legal_bases"]),
        "legal_status": join(b["status"] for b in item["legal_bases"]),
        "legal_basis_types": join(b["type"] for b in item["legal_bases"]),
        "legal_basis_notes": join(b["note"] for b in item["legal_bases"]),
        "latitude": cells.cell(point["latitude"]) if point else "",
        "longitude": cells.cell(point["longitude"]) if point else "",
        "location_precision": placed["precision"] if placed else "",
        "locations": join(loc["name"] for loc in item["locations"]),
        "location_precisions": join(loc["precision"] for loc in item["locations"]),
        "location_countries": join(
            ",".join(loc["countries"]) or loc["country"] for loc in item["locations"]
        ),
        "sources": join(s["url"] or f"{s['publisher']}: {s['title']}" for s in item["sources"]),
        "source_titles": join(s["title"] for s in item["sources"]),
        "source_publishers": join(s["publisher"] for s in item["sources"]),
        "source_dates": join(s["published"]["date"] or "" for s in item["sources"]),
        "end_text": item["end"]["date"] or item["end"]["text"],
        "events": join(
            f"{e['date']['date']} {e['kind']}"
            + (f": {e['description']}" if e["description"] else "")
            for e in item["events"]
        ),
        "location_latitudes": floats(loc["latitude"] for loc in item["locations"]),
        "location_longitudes": floats(loc["longitude"] for loc in item["locations"]),
        "last_updated": item["last_updated"],
    }
    return [
        values[name] if name in dictionary.NUMERIC_COLUMNS else cells.neutralise(values[name])
        for name in exports.EXPORT_HEADER
    ]
