"""Part of `make bench` (bench/run.py): what a write costs on a big register.

    writes.py SHARE...  -> {share: {"records", "seconds", "queries"}}

For each share (0.1 for 10% of the records, 1.0 for all of them) an obviously synthetic
organisation is made a "partner" of that many records, with their derived data written (not
timed). Then an editor renames it through the admin's change form, as a researcher would, and
the time of that request is measured: the save, and the refresh of every derived value of
every record that names it (core/derived.py), which runs when the save commits. Runs in its own
process with the benchmark server's environment, after the read scenarios (it changes data),
and prints one JSON line.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "transparency.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from deployments.core import derived  # noqa: E402
from deployments.models import Deployment, Involvement, Organisation  # noqa: E402

BATCH = 5000


def partner_of(share: float) -> Organisation:
    """An organisation that is a partner of `share` of the records (every k-th one)."""
    percent = round(share * 100)
    slug = f"synthetic-bench-partner-{percent}"
    # A reused database (--reuse) holds the partner of an earlier run, renamed: reuse it.
    earlier = Organisation.objects.filter(slug=slug).first()
    if earlier is not None:
        return earlier
    organisation = Organisation.objects.create(
        name=f"Synthetic bench partner {percent}%", slug=slug
    )
    ids = Deployment.objects.order_by("pk").values_list("pk", flat=True)
    step = max(round(1 / share), 1)
    with transaction.atomic():
        picked = list(ids)[::step]
        for first in range(0, len(picked), BATCH):
            Involvement.objects.bulk_create(
                Involvement(deployment_id=pk, organisation=organisation, role="partner")
                for pk in picked[first : first + BATCH]
            )
        derived.changed(Deployment.objects.filter(involvements__organisation=organisation))
    if connection.vendor == "postgresql":
        # As autovacuum would soon after so many new rows: the rename is planned on the
        # table as it now is, not as it was before the partner existed.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Involvement._meta.db_table}")
    return organisation


def rename(client: Client, organisation: Organisation) -> dict:
    url = f"/admin/deployments/organisation/{organisation.pk}/change/"
    form = {
        "name": organisation.name + " (renamed)",
        "slug": organisation.slug,
        "kind": organisation.kind,
        "country": "",
        "website": "",
        "description": "",
    }
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        response = client.post(url, form)
        seconds = time.perf_counter() - began
    if response.status_code != 302:  # the admin redirects after a save; anything else failed
        raise RuntimeError(response.content[:2000])
    return {
        "records": organisation.involvements.count(),
        "seconds": seconds,
        "queries": len(queries),
    }


def main(shares: list[float]) -> None:
    settings.ALLOWED_HOSTS.append("testserver")  # the test client's host name
    editor, _ = get_user_model().objects.get_or_create(
        username="synthetic-bench-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(editor)
    results = {}
    for share in shares:
        organisation = partner_of(share)
        results[str(share)] = rename(client, organisation)
    print(json.dumps(results))


if __name__ == "__main__":
    main([float(share) for share in sys.argv[1:]])
