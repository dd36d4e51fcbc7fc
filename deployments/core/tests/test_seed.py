"""The seed register says what the seed documents say, no more, and loads idempotently.

The facts are checked twice: against the stored records, and against the seed documents
themselves (../shared/seeds), so a figure or quote that is not in the documents fails here.
"""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from deployments.core import edits
from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Organisation,
    Response,
    Source,
    Technology,
)
from deployments.seed import DEPLOYMENTS, SEED_REASON, TEXT_FIELDS, load_seed_register
from deployments.tests.ci import IN_CI

# The documents live beside the clone, not in it (they are not ours to publish). Without them
# the checks against the documents cannot run: skipped with where to put them, except in CI,
# which must always run them (as the browser tests must).
SEEDS_DIR = Path(settings.BASE_DIR).parent / "shared" / "seeds"
MISSING = (
    f"The seed documents are not in {SEEDS_DIR} (put the five seed .txt files there, "
    "in a folder shared/seeds beside this clone). Seed-document check not run."
)

ANPR_TRIAL = "home-office-anpr-trial-europe"
NAS = "national-anpr-service"
DATA_CENTRE = "national-anpr-data-centre"
CITY_OPERATION = "city-of-london-police-anpr-operation"
SMARTWATCH = "home-office-smartwatches-foreign-national-offenders"
MIGRANT_TRACKER = "proc764-migrant-tracker"

ALL_MODELS = (
    Technology,
    Organisation,
    Source,
    Deployment,
    Involvement,
    Location,
    Cost,
    Event,
    LegalBasis,
    ImpactAssessment,
    Citation,
)


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed_text() -> str:
    files = sorted(SEEDS_DIR.glob("*.txt"))
    if not files:
        if IN_CI:
            pytest.fail(f"{MISSING} CI=true, so these checks must run, not skip.", pytrace=False)
        pytest.skip(MISSING)
    assert len(files) == 5, f"expected the five seed documents in {SEEDS_DIR}"
    return "\n".join(_normalise(f.read_text(encoding="utf-8")) for f in files)


@pytest.fixture
def register(db):
    load_seed_register()


def _deployment(slug: str) -> Deployment:
    return Deployment.objects.get(slug=slug)


def _counts() -> dict:
    counts = {model.__name__: model.objects.count() for model in ALL_MODELS}
    counts |= {f"{m.__name__} history": m.history.count() for m in ALL_MODELS}
    counts["technology links"] = Deployment.technologies.through.objects.count()
    return counts


def test_it_reads_the_five_seed_documents(seed_text):
    assert "UK to use ANPR cameras in Europe to track people smugglers" in seed_text
    assert "UK to surveil convicted migrants with facial recognition" in seed_text


@pytest.mark.parametrize(
    "phrase",
    [
        "14/10/2024 | The Times",
        "A six-month trial, budgeted at £80,000",
        "hidden automatic number plate recognition (ANPR) cameras throughout Europe",
        "Border Security Command",
        "based on Leonardo software",
        "Data Protection Act 2018",
        "Introduced in 2002",
        "Ten years on from the first introduction of ANPR",
        "The Home Office is currently deploying",
        "in the order of 10,000 cameras providing 14 million feeds a year",
        "Project Laser pilot",
        "Project Insight pilot",
        "For two nights last month",
        "vehicles that hit our ANPR cameras",
        "impact assessment (DPIA) from August 2021",
        "awarded to wearable device maker Buddi in May 2022",
        "up to five times a day",
        "including their names, date of birth, nationality and photographs",
        "would be stored for up to six years",
        "initial cost of £6m",
        "successfully tagged over 2,500 foreign criminals",
        "contract worth £150,000",
        "awarded to The Barcode Warehouse in July 2022",
        "Source link",
    ],
)
def test_it_relies_only_on_phrases_in_the_seeds(seed_text, phrase):
    assert phrase in seed_text


@pytest.mark.django_db
def test_it_quotes_every_citation_verbatim(register, seed_text):
    quotes = list(Citation.objects.values_list("quote", flat=True))
    quotes += list(Cost.objects.values_list("quote", flat=True))
    assert len(quotes) > 30
    for quote in quotes:
        assert quote, "every seed citation and cost carries its quote"
        assert _normalise(quote) in seed_text, quote


@pytest.mark.django_db
def test_it_stores_free_text_figures_as_the_seeds_word_them(register, seed_text):
    trial = _deployment(ANPR_TRIAL)
    centre = _deployment(DATA_CENTRE)
    city = _deployment(CITY_OPERATION)
    watch = _deployment(SMARTWATCH)
    assert trial.planned_duration == "six-month trial"
    assert centre.scale == "in the order of 10,000 cameras providing 14 million feeds a year"
    assert "up to six years" in watch.data_retention
    assert "2,500 foreign criminals" in watch.scale
    assert "For two nights “last month”" in city.description
    for text in (
        trial.planned_duration,
        centre.scale,
        "up to six years",
        "2,500 foreign criminals",
        "For two nights last month",
    ):
        assert text in seed_text


@pytest.mark.django_db
def test_it_records_the_three_costs_in_gbp(register, seed_text):
    budget = Cost.objects.get(deployment__slug=ANPR_TRIAL)
    initial = Cost.objects.get(deployment__slug=SMARTWATCH)
    contract = Cost.objects.get(deployment__slug=MIGRANT_TRACKER)
    assert (budget.amount, budget.covers) == (Decimal("80000"), Cost.Covers.BUDGET)
    assert budget.qualifier == Cost.Qualifier.EXACT
    assert budget.period == "six-month trial"
    assert (initial.amount, initial.covers) == (Decimal("6000000"), Cost.Covers.INITIAL)
    assert (contract.amount, contract.covers) == (Decimal("150000"), Cost.Covers.CONTRACT)
    assert {c.currency for c in Cost.objects.all()} == {"GBP"}
    assert Cost.objects.count() == 3
    # Each amount as the seed writes it, inside the quote that is stored with it.
    for cost, written in ((budget, "£80,000"), (initial, "£6m"), (contract, "£150,000")):
        assert written in cost.quote and written in seed_text


@pytest.mark.django_db
def test_it_names_the_suppliers_from_the_seeds(register, seed_text):
    suppliers = {
        i.deployment.slug: i.organisation.name
        for i in Involvement.objects.filter(role=Involvement.Role.SUPPLIER).select_related(
            "deployment", "organisation"
        )
    }
    assert suppliers == {
        NAS: "Leonardo",
        SMARTWATCH: "Buddi",
        MIGRANT_TRACKER: "The Barcode Warehouse",
    }
    for name in suppliers.values():
        assert name in seed_text


@pytest.mark.django_db
def test_it_names_only_organisations_in_the_seeds(register, seed_text):
    # The consultancy calls itself "PA"; every other name is written out in the documents.
    as_written = {"PA Consulting": "PA has worked in and around ANPR"}
    for name in Organisation.objects.values_list("name", flat=True):
        assert as_written.get(name, name) in seed_text
    # Privacy International obtained the DPIA, and its lawyer is quoted: a response, never a
    # role in the deployment.
    campaigners = Organisation.objects.filter(name__in=["Privacy International", "Liberty"])
    assert not Involvement.objects.filter(organisation__in=campaigners).exists()


@pytest.mark.django_db
def test_it_records_the_smartwatch_articles_statements_verbatim_and_undated(register, seed_text):
    watch = _deployment(SMARTWATCH)
    responses = list(watch.responses.select_related("organisation"))
    speakers = {
        (r.kind, r.organisation.name if r.organisation else "", r.person) for r in responses
    }
    assert ("reply", "Home Office", "") in speakers
    assert ("objection", "Privacy International", "Lucie Audibert, lawyer and legal officer") in (
        speakers
    )
    assert ("objection", "Liberty", "Sam Grant, head of policy and campaigns") in speakers
    bhatia = "Monish Bhatia, lecturer in criminology at Birkbeck, University of London"
    assert ("objection", "", bhatia) in speakers  # he spoke for himself, on Twitter
    assert ("no_comment", "Buddi", "") in speakers
    reply = next(r for r in responses if r.kind == "reply")
    assert "tagged over 2,500 foreign criminals" in reply.quote
    assert "2,500" in reply.summary
    every = Response.objects.all()
    assert every.count() == len(responses) + 2  # and Proc764's two unanswered questions
    for response in every:
        assert response.quote and _normalise(response.quote) in seed_text, response.quote
        assert response.source.title == "UK to surveil convicted migrants with facial recognition"
        assert response.date is None  # the article is undated: so are the statements
    page = Client().get(watch.get_absolute_url()).content.decode()
    assert "Lucie Audibert, lawyer and legal officer, Privacy International" in page


@pytest.mark.django_db
def test_it_models_the_smartwatch_roles(register):
    roles = set(
        Involvement.objects.filter(deployment__slug=SMARTWATCH).values_list(
            "organisation__name", "role"
        )
    )
    assert roles == {
        ("Home Office", Involvement.Role.OPERATOR),
        ("Ministry of Justice", Involvement.Role.COMMISSIONER),
        ("Ministry of Justice", Involvement.Role.DATA_RECIPIENT),
        ("Buddi", Involvement.Role.SUPPLIER),
    }
    assert "police" in _deployment(SMARTWATCH).data_sharing


@pytest.mark.django_db
def test_it_dates_the_dpia_to_august_2021_by_month(register, seed_text):
    assessment = ImpactAssessment.objects.get(deployment__slug=SMARTWATCH)
    assert assessment.kind == ImpactAssessment.Kind.DPIA
    assert (assessment.date, assessment.date_precision) == (dt.date(2021, 8, 1), "month")
    assert assessment.date_display == "August 2021"
    assert assessment.availability == ImpactAssessment.Availability.FOI
    assert assessment.obtained_by.startswith("Privacy International")
    assert assessment.source.publisher == "Computer Weekly"
    assert "August 2021" in seed_text


@pytest.mark.django_db
def test_it_keeps_event_dates_only_as_precise_as_the_seeds(register, seed_text):
    events = {
        (e.deployment.slug, e.kind): (e.date_display, e.date_precision)
        for e in Event.objects.select_related("deployment")
    }
    assert events == {
        (ANPR_TRIAL, Event.Kind.ANNOUNCED): ("October 2024", "month"),
        (SMARTWATCH, Event.Kind.DPIA): ("August 2021", "month"),
        (SMARTWATCH, Event.Kind.CONTRACT): ("May 2022", "month"),
        (MIGRANT_TRACKER, Event.Kind.CONTRACT): ("July 2022", "month"),
    }
    for shown, _precision in events.values():
        if shown != "October 2024":  # the seed writes it as the page date 14/10/2024
            assert shown in seed_text


@pytest.mark.django_db
def test_it_leaves_undated_sources_undated(register):
    published = {s.publisher: (s.published, s.published_precision) for s in Source.objects.all()}
    assert published == {
        "The Times": (dt.date(2024, 10, 14), "day"),
        "techUK": (None, "unknown"),
        "PA Consulting": (None, "unknown"),
        "City of London Police": (None, "unknown"),
        "Computer Weekly": (None, "unknown"),
    }


# Each the address of the very text the source's quotes come from, checked against a stored copy
# of the page that reads as the seed document does. Computer Weekly's own address is not known.
CHECKED_ADDRESSES = {
    "The Times": "https://freevacy.com/news/the-times/uk-to-use-anpr-cameras-in-europe-to-track-"
    "people-smugglers/5824",
    "techUK": "https://www.techuk.org/insights/case-studies/item/16131-the-national-anpr-service-"
    "as-a-tool-to-tackle-violent-crime",
    "PA Consulting": "http://www.paconsulting.com/insights/embedding-anpr-into-mainstream-policing/",
    "City of London Police": "https://www.cityoflondon.police.uk/news/city-of-london/news/2024/"
    "february/successful-anpr-operation-in-the-city-of-london/",
    "Computer Weekly": "",
}


@pytest.mark.django_db
def test_it_gives_only_the_addresses_checked_against_stored_copies(register):
    assert dict(Source.objects.values_list("publisher", "url")) == CHECKED_ADDRESSES
    assert not Source.objects.exclude(archive_url="").exists()
    assert not LegalBasis.objects.exclude(url="").exists()
    assert not ImpactAssessment.objects.exclude(url="").exists()
    assert not Organisation.objects.exclude(website="").exists()
    # The reporting Computer Weekly relies on, and the copy its quotes are read in, are named
    # in its notes: neither is Computer Weekly's own address.
    notes = Source.objects.get(publisher="Computer Weekly").notes
    assert (
        "https://www.theguardian.com/politics/2022/aug/05/facial-recognition-smartwatches-to-be-"
        "used-to-monitor-foreign-offenders-in-uk" in notes
    )
    republication = (
        "https://ihowtoarticle.com/uk-to-surveil-convicted-migrants-with-facial-recognition/"
    )
    assert republication in notes
    page = Client().get(Source.objects.get(publisher="Computer Weekly").get_absolute_url())
    assert "No web address known." in page.content.decode()


@pytest.mark.django_db
def test_it_leaves_unstated_facts_unknown(register):
    assert _deployment(MIGRANT_TRACKER).status == Deployment.Status.UNKNOWN
    assert not Location.objects.filter(deployment__slug=MIGRANT_TRACKER).exists()
    for deployment in Deployment.objects.all():
        assert (deployment.start_date, deployment.start_precision) == (None, "unknown")
        assert (deployment.end_date, deployment.end_precision) == (None, "unknown")


@pytest.mark.django_db
def test_it_follows_the_seeds_for_status(register):
    statuses = dict(Deployment.objects.values_list("slug", "status"))
    assert statuses == {
        ANPR_TRIAL: Deployment.Status.ANNOUNCED,
        NAS: Deployment.Status.ACTIVE,
        DATA_CENTRE: Deployment.Status.UNKNOWN,
        CITY_OPERATION: Deployment.Status.ENDED,
        SMARTWATCH: Deployment.Status.ANNOUNCED,
        MIGRANT_TRACKER: Deployment.Status.UNKNOWN,
    }


@pytest.mark.django_db
def test_it_draws_no_location_finer_than_the_seeds(register):
    places = {
        (loc.deployment.slug, loc.name): loc
        for loc in Location.objects.select_related("deployment")
    }
    europe = places[(ANPR_TRIAL, "Throughout Europe")]
    assert (europe.precision, europe.country, europe.geometry) == ("multi", "", None)
    for slug in (NAS, DATA_CENTRE, SMARTWATCH):
        (national,) = [loc for (s, _name), loc in places.items() if s == slug]
        assert (national.precision, national.country.code, national.geometry) == (
            "national",
            "GB",
            None,
        )
    city = places[(CITY_OPERATION, "City of London Police's ANPR cameras")]
    assert (city.precision, city.country.code, city.geometry) == ("city", "GB", None)
    assert len(places) == 5
    # No document gives a place finer than a country or a force's cameras: nothing is mapped.
    assert not Location.objects.exclude(geometry=None).exists()
    assert not Location.objects.exclude(latitude=None).exists()


@pytest.mark.django_db
def test_it_records_the_nas_legal_basis_as_a_third_partys_statement(register, seed_text):
    # The one statement of law is an industry case study's, about UK police ANPR in general:
    # not the operator's assertion, and not "none stated" either.
    nas = _deployment(NAS)
    basis = nas.legal_bases.get()
    assert basis.status == LegalBasis.Status.THIRD_PARTY
    assert basis.instrument == "Data Protection Act 2018"
    assert basis.source.publisher == "techUK"
    assert "does not say this of the National ANPR Service" in basis.note
    assert LegalBasis.objects.count() == 1
    statement = nas.citations.get(claim=Citation.Claim.GENERAL)
    assert "in compliance with legislation including Data Protection Act 2018" in statement.quote
    assert _normalise(statement.quote) in seed_text
    page = Client().get(nas.get_absolute_url()).content.decode()
    assert "Asserted by the operator" not in page
    assert "Stated by a third party" in page


@pytest.mark.django_db
def test_it_shows_the_nas_as_being_deployed(register, seed_text):
    nas = _deployment(NAS)
    # "currently deploying": under way, so more than announced (Active is the nearest status).
    assert nas.status == Deployment.Status.ACTIVE
    assert nas.get_status_display() != "Announced or planned"
    status = nas.citations.get(claim=Citation.Claim.STATUS)
    assert "is currently deploying" in status.quote and status.quote in seed_text


@pytest.mark.django_db
def test_it_describes_organisations_only_in_the_seeds_words(register, seed_text):
    assert Organisation.objects.get(name="Leonardo").description == ""
    lowered = seed_text.casefold()
    others = Organisation.objects.filter(
        kind__in=[Organisation.Kind.COMPANY, Organisation.Kind.NGO]
    ).exclude(description="")
    assert set(others.values_list("name", "description")) == {
        ("Buddi", "Wearable device maker."),
        ("Privacy International", "Campaign group."),
        ("Liberty", "Human rights group."),
    }
    for organisation in others:
        called = organisation.description.removesuffix(".").casefold()
        assert f"{called} {organisation.name.casefold()}" in lowered, organisation.name
    page = Client().get(Organisation.objects.get(name="Leonardo").get_absolute_url())
    assert "Software company" not in page.content.decode()


@pytest.mark.django_db
def test_it_dates_anpr_in_policing_but_not_the_data_centre(register, seed_text):
    centre = _deployment(DATA_CENTRE)
    assert (centre.start_date, centre.start_precision) == (None, "unknown")
    # The article's "now" is only "ten years on" from 2002: nothing says it is running today.
    assert centre.end_display != "ongoing"
    assert not centre.citations.filter(claim=Citation.Claim.START).exists()
    # Nor is 2002 an event of the data centre's: a period filter would read it as its start.
    assert not centre.events.exists()
    assert "introduced in 2002" in centre.summary
    assert not Client().get("/deployments/?from=2002&to=2002").context["deployments"]
    page = Client().get(centre.get_absolute_url()).content.decode()
    assert "<dt>End</dt><dd>unknown" in page
    assert "2002 – ongoing" not in page


@pytest.mark.django_db
def test_it_tells_the_city_operation_as_two_past_nights_at_no_mapped_place(register, seed_text):
    city = _deployment(CITY_OPERATION)
    assert city.planned_duration == ""
    assert "For two nights “last month”" in city.description
    assert "which month is unknown" in city.description
    assert not city.citations.filter(claim=Citation.Claim.DURATION).exists()
    nights = city.citations.get(claim=Citation.Claim.GENERAL)
    assert nights.quote.startswith("For two nights last month") and nights.quote in seed_text
    (place,) = city.locations.all()
    assert (place.name, place.geometry, place.latitude, place.longitude) == (
        "City of London Police's ANPR cameras",
        None,
        None,
        None,
    )
    assert "our ANPR cameras" in seed_text

    def features(name):
        response = Client().get(reverse(name))
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        data = json.loads(body)
        return [f for f in data["features"] if f["properties"].get("slug") == city.slug]

    # No geometry is invented: the export has no feature for it, and the map draws it only
    # as somewhere in its country, marked as wider than the place.
    assert features("export_geojson") == []
    (drawn,) = features("map_geojson")
    assert drawn["geometry"] is None
    assert (drawn["properties"]["areas"], drawn["properties"]["wider"]) == (["826"], True)


@pytest.mark.django_db
def test_it_keeps_the_retention_list_partial(register, seed_text):
    retention = _deployment(SMARTWATCH).data_retention
    assert retention == (
        "A range of information, including names, date of birth, nationality and photographs, "
        "stored for up to six years"
    )
    quote = Citation.objects.get(deployment__slug=SMARTWATCH, claim=Citation.Claim.RETENTION)
    assert quote.quote.startswith("including their names") and quote.quote in seed_text


@pytest.mark.django_db
def test_it_marks_the_initial_cost_of_6m_as_a_round_figure(register, seed_text):
    initial = Cost.objects.get(deployment__slug=SMARTWATCH)
    assert initial.covers == Cost.Covers.INITIAL
    assert initial.qualifier == Cost.Qualifier.APPROXIMATELY
    assert initial.display() == "Approximately GBP 6,000,000"
    assert "initial cost of £6m" in initial.quote and initial.quote in seed_text
    # The redacted number of devices is told with the cost, whose quote says so.
    assert "number of devices to be produced" in initial.period
    assert "number of devices to be produced" in initial.quote


@pytest.mark.django_db
def test_it_gives_the_home_offices_tagging_figure_as_the_scale(register, seed_text):
    watch = _deployment(SMARTWATCH)
    assert watch.scale == (
        "Over 2,500 foreign criminals tagged since August 2021, according to the Home Office"
    )
    scale = watch.citations.get(claim=Citation.Claim.SCALE)
    assert scale.quote == (
        "Since August 2021, the Home Office has successfully tagged over 2,500 foreign criminals"
    )
    assert scale.quote in seed_text


# What a working note sounds like: talk of the seeds, or of what they leave out.
WORKING_NOTE_PHRASES = (
    "seed",
    "not stated in the",
    "no web address",
    "no url",
    "the scraped",
)


def _public_texts():
    """Every text the public pages, exports and API show of a seed record, source or
    organisation: (where, text)."""
    fields = {
        Deployment: TEXT_FIELDS,
        Organisation: ("name", "description"),
        Source: ("title", "publisher", "notes"),
        Technology: ("name", "description"),
        Involvement: ("note",),
        Location: ("name",),
        Cost: ("period", "quote"),
        Event: ("description",),
        LegalBasis: ("instrument", "provision", "note"),
        ImpactAssessment: ("obtained_by",),
        Response: ("person", "summary", "quote"),
        Citation: ("quote", "locator"),
    }
    for model, names in fields.items():
        for row in model.objects.all():
            for name in names:
                yield f"{model.__name__} {row.pk} {name}", getattr(row, name)


@pytest.mark.django_db
def test_it_shows_no_working_notes_in_public_text(register):
    texts = list(_public_texts())
    assert len(texts) > 200
    for where, text in texts:
        for phrase in WORKING_NOTE_PHRASES:
            assert phrase not in text.casefold(), f"{where}: {text}"
    # A country the documents do not give is simply blank, which the index shows as such.
    index = _normalise(Client().get(reverse("organisation_index")).content.decode())
    listed = [o for o in Organisation.objects.filter(country="") if f">{o.name}</a>" in index]
    assert len(listed) >= 4  # the companies at least; the campaign groups only speak
    for organisation in listed:
        row = index[index.index(f">{organisation.name}</a>") :].split("</tr>")[0]
        assert row.count('<span class="muted">not stated</span>') == 1, organisation.name


@pytest.mark.django_db
def test_it_publishes_all_six_seed_deployments(register):
    slugs = set(Deployment.objects.published().values_list("slug", flat=True))
    assert slugs == {d["slug"] for d in DEPLOYMENTS}
    assert len(slugs) == 6
    for deployment in Deployment.objects.all():
        assert deployment.published_at is not None
        assert deployment.publication_problems() == []


@pytest.mark.django_db
def test_it_sources_every_claim(register):
    for deployment in Deployment.objects.published():
        assert deployment.citations.exists(), deployment.slug
        assert deployment.citations.filter(claim=Citation.Claim.SUMMARY).exists()
    assert not Involvement.objects.filter(source__isnull=True).exists()
    for model in (Cost, Event, LegalBasis, ImpactAssessment, Citation):
        for record in model.objects.all():
            assert record.source_id is not None


@pytest.mark.django_db
def test_it_describes_the_required_technologies(register):
    names = set(Technology.objects.values_list("name", flat=True))
    assert {
        "ANPR",
        "Live facial recognition",
        "Retrospective facial recognition",
        "Biometric verification",
        "Electronic monitoring / GPS tagging",
        "Data analytics platform",
        "CCTV",
    } <= names
    for technology in Technology.objects.all():
        assert technology.description.endswith(".")
        assert technology.description.count(". ") == 0, "one sentence"


@pytest.mark.django_db
def test_it_saves_only_valid_records(register):
    for model in ALL_MODELS:
        for record in model.objects.all():
            record.full_clean()


@pytest.mark.django_db
def test_it_creates_no_duplicates_when_loaded_twice(register):
    before = _counts()
    tally = load_seed_register()
    assert _counts() == before
    assert (tally["created"], tally["updated"], tally["removed"]) == (0, 0, 0)
    assert tally["published"] == 0
    assert tally["deployments"] == 6


def _sources() -> dict:
    return {s.publisher: s for s in Source.objects.all()}


@pytest.mark.django_db
def test_it_removes_what_an_earlier_load_wrote_and_the_register_has_corrected(register):
    sources = _sources()
    # Rows as a load before the corrections left them.
    with edits.recording(reason=SEED_REASON):
        Location.objects.create(
            deployment=_deployment(CITY_OPERATION),
            name="City of London",
            country="GB",
            precision="city",
            geometry={"type": "Point", "coordinates": [-0.0922, 51.5155]},
        )
        LegalBasis.objects.create(
            deployment=_deployment(NAS),
            instrument_type=LegalBasis.Instrument.STATUTE,
            instrument="Data Protection Act 2018",
            status=LegalBasis.Status.ASSERTED,
            source=sources["techUK"],
        )
        Citation.objects.create(
            deployment=_deployment(DATA_CENTRE),
            source=sources["PA Consulting"],
            claim=Citation.Claim.START,
            quote="Introduced in 2002, ANPR is now a core tool for policing efforts across the UK",
        )
    tally = load_seed_register()
    # The point, the start citation and the operator's "assertion" go; the third party's
    # statement stays.
    assert tally["removed"] == 3
    assert not Location.objects.exclude(geometry=None).exists()
    assert [b.status for b in LegalBasis.objects.all()] == [LegalBasis.Status.THIRD_PARTY]
    assert not Citation.objects.filter(claim=Citation.Claim.START).exists()
    assert load_seed_register()["removed"] == 0


@pytest.mark.django_db
def test_it_keeps_a_row_an_editor_added_to_a_seed_record(register):
    with edits.recording(reason="The page names the junction."):
        added = Location.objects.create(
            deployment=_deployment(CITY_OPERATION),
            name="A junction an editor found",
            country="GB",
            precision="approximate",
        )
    assert load_seed_register()["removed"] == 0
    assert Location.objects.filter(pk=added.pk).exists()


@pytest.mark.django_db
def test_it_restores_a_seed_fact_edited_away(register):
    Cost.objects.filter(deployment__slug=ANPR_TRIAL).update(amount=Decimal("1"))
    tally = load_seed_register()
    assert tally["updated"] == 1
    assert Cost.objects.get(deployment__slug=ANPR_TRIAL).amount == Decimal("80000")


@pytest.mark.django_db
def test_it_leaves_a_withdrawn_seed_deployment_withdrawn(register):
    Deployment.objects.filter(slug=MIGRANT_TRACKER).update(
        publication=Deployment.Publication.WITHDRAWN
    )
    load_seed_register()
    assert _deployment(MIGRANT_TRACKER).publication == Deployment.Publication.WITHDRAWN


@pytest.mark.django_db
def test_it_loads_from_the_command_with_a_one_line_summary():
    out = StringIO()
    call_command("load_seed_register", stdout=out)
    assert out.getvalue().count("\n") == 1
    assert out.getvalue().startswith("Seed register: 6 deployments;")
    assert Deployment.objects.published().count() == 6
