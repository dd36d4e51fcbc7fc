"""The seed register's records, as plain data: what the five seed documents say, each fact
with its source and quote. The loader is in __init__.py."""

from decimal import Decimal

from deployments.models import (
    Citation,
    Cost,
    Deployment,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Organisation,
    Response,
    Source,
)

Claim = Citation.Claim
Role = Involvement.Role


TECHNOLOGIES = [
    {
        "slug": "anpr",
        "name": "ANPR",
        "description": "Automatic number plate recognition: cameras read vehicle number plates, "
        "check them against lists of vehicles of interest and record where and when each "
        "vehicle was seen.",
    },
    {
        "slug": "live-facial-recognition",
        "name": "Live facial recognition",
        "description": "Cameras scan the faces of passers-by in a live video feed and compare "
        "them in real time against a watchlist of people being sought.",
    },
    {
        "slug": "retrospective-facial-recognition",
        "name": "Retrospective facial recognition",
        "description": "Faces in photos or footage recorded earlier are compared after the event "
        "against a database of images to try to identify people.",
    },
    {
        "slug": "biometric-verification",
        "name": "Biometric verification",
        "description": "A person's face, fingerprint or other body feature is checked against "
        "one stored record to confirm that they are who they are supposed to be.",
    },
    {
        "slug": "electronic-monitoring",
        "name": "Electronic monitoring / GPS tagging",
        "description": "A device worn by a person, such as an ankle tag, reports to a monitoring "
        "service whether they are where they should be or, with GPS, where they are.",
    },
    {
        "slug": "data-analytics-platform",
        "name": "Data analytics platform",
        "description": "Software that brings large datasets together and searches them for "
        "patterns, links and alerts, sometimes with machine learning or AI.",
    },
    {
        "slug": "cctv",
        "name": "CCTV",
        "description": "Closed-circuit television: fixed or mobile cameras that record or "
        "transmit video of an area for operators to watch or review.",
    },
    {
        # Needed for the Proc764 contract, which fits none of the kinds above.
        "slug": "barcode-wristbands",
        "name": "Barcode wristbands and asset tracking",
        "description": "Wristbands printed with a barcode that a handheld scanner reads, so that "
        "tracking software can log each scan of the wearer or item.",
    },
]

_NOT_IN_SEEDS = "Country not stated in the seed documents."

ORGANISATIONS = [
    {
        "name": "Home Office",
        "slug": "home-office",
        "kind": Organisation.Kind.GOVERNMENT,
        "country": "GB",
        "description": "UK government department.",
    },
    {
        "name": "Ministry of Justice",
        "slug": "ministry-of-justice",
        "kind": Organisation.Kind.GOVERNMENT,
        "country": "GB",
        "description": "UK government department (MoJ).",
    },
    {
        "name": "Border Security Command",
        "slug": "border-security-command",
        "kind": Organisation.Kind.AGENCY,
        "country": "GB",
        "description": "Described by The Times summary as “the UK's new Border Security Command”.",
    },
    {
        "name": "City of London Police",
        "slug": "city-of-london-police",
        "kind": Organisation.Kind.POLICE,
        "country": "GB",
        "description": "",
    },
    # The companies' countries are left empty: the seeds do not give them, and a group name
    # such as "Leonardo" does not say which national company is meant.
    {
        "name": "Leonardo",
        "slug": "leonardo",
        "kind": Organisation.Kind.COMPANY,
        "country": "",
        "description": f"Software company. {_NOT_IN_SEEDS}",
    },
    {
        "name": "Buddi",
        "slug": "buddi",
        "kind": Organisation.Kind.COMPANY,
        "country": "",
        "description": f"Wearable device maker. {_NOT_IN_SEEDS}",
    },
    {
        "name": "The Barcode Warehouse",
        "slug": "the-barcode-warehouse",
        "kind": Organisation.Kind.COMPANY,
        "country": "",
        "description": _NOT_IN_SEEDS,
    },
    # Named in the smartwatch article only for what their people said of it (its responses).
    {
        "name": "Privacy International",
        "slug": "privacy-international",
        "kind": Organisation.Kind.NGO,
        "country": "",
        "description": f"Campaign group. {_NOT_IN_SEEDS}",
    },
    {
        "name": "Liberty",
        "slug": "liberty",
        "kind": Organisation.Kind.NGO,
        "country": "",
        "description": f"Human rights group. {_NOT_IN_SEEDS}",
    },
    {
        "name": "PA Consulting",
        "slug": "pa-consulting",
        "kind": Organisation.Kind.COMPANY,
        "country": "",
        "description": f"Consultancy; calls itself “PA” in its article. {_NOT_IN_SEEDS}",
    },
]
# Not organisations here, on purpose: "police" (smartwatch data sharing), "Police Forces and
# other Law Enforcement Agencies" (NAS users) and "European allies" (ANPR trial) are unnamed
# groups. An organisation record such as "Police forces (unspecified)" would be shared by every
# deployment that mentions some police, and so would join unrelated forces into one body that
# does not exist. Those facts are kept as sourced free text (data_sharing, description).

# Keyed by a short name used only in this file. No URLs: the seed documents contain none.
SOURCES = {
    "times": {
        "title": "UK to use ANPR cameras in Europe to track people smugglers",
        "publisher": "The Times",
        "source_type": Source.Type.NEWS,
        "published": "2024-10-14",
        "notes": "Read through a summary of the article on the Privacy Newsfeed, dated "
        "14/10/2024; the quotes are from that summary. The Times article requires a "
        "subscription; the summary says a version is available without subscription in The "
        "Standard. No URL is given in the seed document.",
    },
    "techuk": {
        "title": "The National ANPR Service as a tool to tackle violent crime",
        "publisher": "techUK",
        "source_type": Source.Type.OTHER,
        "published": "",
        "notes": "Case study “contributed as part of techUK’s Digitally enabled public safety "
        "report: Harnessing the power of tech to tackle violent crime”. The contributor and the "
        "publication date are not given. No URL is given in the seed document.",
    },
    "pa": {
        "title": "Embedding ANPR into mainstream policing",
        "publisher": "PA Consulting",
        "source_type": Source.Type.VENDOR,
        "published": "",
        "notes": "Article by the consultancy, which calls itself “PA”; Andrew Hooke and Søren "
        "Lehn (Government and public sector) are listed as contacts. Undated. The footnote to "
        "the camera figures reads only “1 Source:”, with no reference. No URL is given in the "
        "seed document.",
    },
    "colp": {
        "title": "ANPR operation",
        "publisher": "City of London Police",
        "source_type": Source.Type.OFFICIAL,
        "published": "",
        "notes": "Force web page; the scraped copy has no headline, so it is titled here by its "
        "section heading “ANPR operation”. The page is undated, so “last month” cannot be "
        "dated, and the list of results after “It resulted in:” is missing. No URL is given in "
        "the seed document.",
    },
    "cw": {
        "title": "UK to surveil convicted migrants with facial recognition",
        "publisher": "Computer Weekly",
        "source_type": Source.Type.NEWS,
        "published": "",
        "notes": "The seed copy is a republication that ends with “Source link” but gives no "
        "address; its publication date is not in the text. The article reports a Home Office "
        "DPIA obtained by Privacy International under FOI and shared with The Guardian.",
    },
}

DEPLOYMENTS = [
    {
        "slug": "home-office-anpr-trial-europe",
        "title": "Home Office ANPR trial in Europe against people smuggling",
        "summary": "The Home Office has announced a six-month trial, budgeted at £80,000, of "
        "hidden ANPR cameras throughout Europe to track vehicles suspected of helping the gangs "
        "behind small-boat Channel crossings.",
        "description": "Static and mobile cameras are to be mounted on marked and unmarked police "
        "vehicles along key routes used for people smuggling. A Home Office source said the "
        "operation rests on cooperative agreements with European allies and enhances the "
        "capabilities of the UK's new Border Security Command. The camera data is to be "
        "analysed with AI software to find common routes and possibly places used by the "
        "smugglers, such as warehouses storing engines and dinghies.",
        # "has announced plans to deploy": planned, not yet running.
        "status": Deployment.Status.ANNOUNCED,
        "start": "",
        "planned_duration": "six-month trial",
        "affected_groups": "Vehicles suspected of facilitating small-boat crossings, on key "
        "routes used for people smuggling.",
        # "hidden ... cameras", even when mounted on marked vehicles.
        "visibility": Deployment.Visibility.COVERT,
        # AI analysis of the camera data is part of the plan, hence the analytics platform.
        "technologies": ["anpr", "data-analytics-platform"],
        "involvements": [
            ("Home Office", Role.OPERATOR, "times", "Announced the plans to deploy the cameras."),
            # Its exact role is not stated; "partner" is the nearest honest fit.
            (
                "Border Security Command",
                Role.PARTNER,
                "times",
                "The operation is said to enhance its capabilities; its exact role is not stated.",
            ),
        ],
        # Named as the seed puts it ("throughout Europe"); no shape is drawn for it.
        "locations": [{"name": "Throughout Europe", "country": "", "precision": "multi"}],
        "costs": [
            {
                "amount": Decimal("80000"),
                "covers": Cost.Covers.BUDGET,
                "qualifier": Cost.Qualifier.EXACT,
                "period": "six-month trial",
                "source": "times",
                "quote": "A six-month trial, budgeted at £80,000",
            },
        ],
        # The article is dated 14/10/2024 and says the Home Office "has announced": the
        # announcement is known to the month, not the day.
        "events": [
            {
                "kind": Event.Kind.ANNOUNCED,
                "date": "2024-10",
                "description": "Reported by The Times on 14 October 2024: the Home Office "
                "“has announced plans”.",
                "source": "times",
            },
        ],
        "citations": [
            (
                "times",
                Claim.SUMMARY,
                "The Home Office has announced plans to deploy hidden automatic number plate "
                "recognition (ANPR) cameras throughout Europe to combat gangs involved in "
                "people smuggling in small boats across the Channel.",
            ),
            ("times", Claim.STATUS, "The Home Office has announced plans to deploy"),
            (
                "times",
                Claim.DURATION,
                "A six-month trial, budgeted at £80,000, aims to monitor the movements of "
                "vehicles suspected of facilitating these crossings.",
            ),
            (
                "times",
                Claim.AFFECTED,
                "aims to monitor the movements of vehicles suspected of facilitating these "
                "crossings",
            ),
            (
                "times",
                Claim.VISIBILITY,
                "the use of both static and mobile cameras mounted on marked and unmarked "
                "police vehicles along key routes typically used for people smuggling",
            ),
            ("times", Claim.LOCATION, "cameras throughout Europe"),
            (
                "times",
                Claim.DESCRIPTION,
                "the operation has been made possible through cooperative agreements with "
                "European allies, enhancing the capabilities of the UK's new Border Security "
                "Command",
            ),
            (
                "times",
                Claim.TECHNOLOGY,
                "The data collected by the ANPR cameras will be analysed using artificial "
                "intelligence (AI) software to identify common routes",
            ),
        ],
    },
    {
        "slug": "national-anpr-service",
        "title": "National ANPR Service (NAS)",
        "summary": "The Home Office is deploying a new National ANPR Service based on Leonardo "
        "software, bringing ANPR analysis and real-time monitoring into one national service "
        "for police forces and other law enforcement agencies.",
        "description": "NAS is to supplement and in due course replace local ANPR facilities. "
        "The case study says the software will track the movement of criminals, analyse ANPR "
        "data against other datasets, flag suspicious behaviour such as target reconnaissance, "
        "and support post-event, pro-active and real-time analysis.",
        # "currently deploying" a service whose functions are all described in the future
        # tense ("will integrate", "will provide"), on an undated page: the rollout was under
        # way, not the service in use, and nothing says it is running now. "Announced or
        # planned" is the nearest status that the text supports.
        "status": Deployment.Status.ANNOUNCED,
        "start": "",
        "data_sharing": "A single national service available to Police Forces and other Law "
        "Enforcement Agencies.",
        "technologies": ["anpr", "data-analytics-platform"],
        "involvements": [
            ("Home Office", Role.OPERATOR, "techuk", "Deploying the service."),
            ("Leonardo", Role.SUPPLIER, "techuk", "NAS is “based on Leonardo software”."),
        ],
        "locations": [
            {"name": "United Kingdom (national service)", "country": "GB", "precision": "national"}
        ],
        "legal_bases": [
            {
                "instrument_type": LegalBasis.Instrument.STATUTE,
                "instrument": "Data Protection Act 2018",
                "status": LegalBasis.Status.ASSERTED,
                # Closest status available: the claim is made in an industry case study about
                # UK police ANPR data in general, not by the Home Office about NAS.
                "note": "Asserted compliance: the case study says ANPR data is collected and "
                "analysed in compliance with legislation including the Data Protection Act "
                "2018, agreed with the offices of the Information Commissioner and Surveillance "
                "Camera Commissioner. Said of UK police ANPR in general, in a case study whose "
                "contributor is not named; no provision is cited.",
                "source": "techuk",
            },
        ],
        "citations": [
            (
                "techuk",
                Claim.SUMMARY,
                "The Home Office is currently deploying a new National ANPR Service (NAS), "
                "based on Leonardo software, which will integrate ANPR analytic and real-time "
                "monitoring functions into a single national service available to Police "
                "Forces and other Law Enforcement Agencies.",
            ),
            (
                "techuk",
                Claim.STATUS,
                "The Home Office is currently deploying a new National ANPR Service (NAS)",
            ),
            (
                "techuk",
                Claim.DESCRIPTION,
                "Initially supplementing, and in due course replacing local facilities, NAS "
                "will enable police and law enforcement to act on national scale information "
                "to solve crime.",
            ),
            (
                "techuk",
                Claim.TECHNOLOGY,
                "It will be able to conduct analysis against other datasets to look for "
                "correlations and contribute to proportional intelligence gathering.",
            ),
            (
                "techuk",
                Claim.SHARING,
                "a single national service available to Police Forces and other Law "
                "Enforcement Agencies",
            ),
            ("techuk", Claim.LOCATION, "a single national service"),
        ],
    },
    {
        "slug": "national-anpr-data-centre",
        "title": "National ANPR Data Centre and police ANPR cameras",
        "summary": "ANPR, introduced in 2002, is described as a core policing tool across the "
        "UK, with in the order of 10,000 cameras feeding the ANPR national data centre. PA "
        "evaluated the original Project Laser pilot and later supported the Project Insight "
        "pilot.",
        "description": "Project Laser tested ANPR through intercept teams and a mobile van; PA "
        "says its evaluation showed that ANPR intercept teams could arrest many more offenders "
        "than conventional policing. The Project Insight pilot explored ways to make the most "
        "of ANPR as an intelligence tool. The article argues for wider analysis of ANPR data, "
        "including tools run on the National ANPR Data Centre.",
        # "ANPR is now a core tool": in use when the (undated) article was written.
        "status": Deployment.Status.ACTIVE,
        # The article dates the introduction of ANPR in policing, not of the data centre.
        "start": "2002",
        "scale": "in the order of 10,000 cameras providing 14 million feeds a year",
        "technologies": ["anpr"],
        "involvements": [
            (
                "PA Consulting",
                Role.PARTNER,
                "pa",
                "By its own account, evaluated the Project Laser pilot and supported the police "
                "in the use of ANPR, including the Project Insight pilot.",
            ),
        ],
        "locations": [
            {"name": "United Kingdom (national)", "country": "GB", "precision": "national"}
        ],
        "events": [
            {
                "kind": Event.Kind.STARTED,
                "date": "2002",
                "description": "ANPR introduced as a policing tool (“Introduced in 2002”).",
                "source": "pa",
            },
        ],
        "citations": [
            (
                "pa",
                Claim.SUMMARY,
                "Introduced in 2002, ANPR is now a core tool for policing efforts across the UK, "
                "with in the order of 10,000 cameras providing 14 million feeds a year to the "
                "ANPR national data centre",
            ),
            (
                "pa",
                Claim.START,
                "Introduced in 2002, ANPR is now a core tool for policing efforts across the UK",
            ),
            ("pa", Claim.STATUS, "ANPR is now a core tool for policing efforts across the UK"),
            (
                "pa",
                Claim.SCALE,
                "in the order of 10,000 cameras providing 14 million feeds a year to the ANPR "
                "national data centre",
            ),
            ("pa", Claim.LOCATION, "policing efforts across the UK"),
            (
                "pa",
                Claim.DESCRIPTION,
                "PA has worked in and around ANPR since the original Project Laser pilot which "
                "tested the concept of ANPR through intercept teams and a mobile van.",
            ),
            (
                "pa",
                Claim.GENERAL,
                "the Project Insight pilot that explored the ways to maximise ANPR as an "
                "intelligence tool",
            ),
        ],
    },
    {
        "slug": "city-of-london-police-anpr-operation",
        "title": "City of London Police ANPR operation",
        "summary": "City of London Police ran a two-night operation to detect vehicles passing "
        "its ANPR cameras, which it says led to a number of arrests, seized vehicles and "
        "intelligence. The page is undated, so when it happened is unknown.",
        "description": "The force says it uses ANPR to detect, deter and disrupt criminal "
        "activity at a local and national level, including travelling criminals, organised "
        "crime groups and terrorists.",
        # "recently carried out" ... "For two nights last month": over when reported.
        "status": Deployment.Status.ENDED,
        "start": "",
        # The reported length of a finished operation (the only duration field there is).
        "planned_duration": "two nights",
        "technologies": ["anpr"],
        "involvements": [
            ("City of London Police", Role.OPERATOR, "colp", "Carried out the operation."),
        ],
        # The page says "our ANPR cameras" without a place: the force's area, to city level.
        "locations": [
            {
                "name": "City of London",
                "country": "GB",
                "precision": "city",
                "geometry": {"type": "Point", "coordinates": [-0.0922, 51.5155]},
            },
        ],
        "citations": [
            (
                "colp",
                Claim.SUMMARY,
                "City of London Police recently carried out an Automatic Number Plate "
                "Recognition (ANPR) operation that led to a number of arrests, seized vehicles "
                "and intel captured.",
            ),
            (
                "colp",
                Claim.STATUS,
                "recently carried out an Automatic Number Plate Recognition (ANPR) operation",
            ),
            (
                "colp",
                Claim.DURATION,
                "For two nights last month we focussed on detecting vehicles that hit our ANPR "
                "cameras.",
            ),
            ("colp", Claim.LOCATION, "vehicles that hit our ANPR cameras"),
            (
                "colp",
                Claim.DESCRIPTION,
                "We use ANPR technology to help detect, deter and disrupt criminal activity at "
                "a local and national level.",
            ),
        ],
    },
    {
        "slug": "home-office-smartwatches-foreign-national-offenders",
        "title": "Facial recognition smartwatches for foreign national offenders",
        "summary": "Home Office plans for convicted foreign national offenders subject to "
        "immigration control to wear an ankle tag or a facial recognition-enabled smartwatch, "
        "submitting photos up to five times a day and with their location tracked 24/7.",
        "description": "The photos are checked against biometric facial information held by the "
        "Home Office, with a manual check if verification fails. The plans are set out in a "
        "Home Office DPIA from August 2021, obtained by Privacy International under FOI and "
        "shared with The Guardian. The contract, part of the Home Office Satellite Tracking "
        "Service, was awarded to Buddi in May 2022 and tendered by the Ministry of Justice on "
        "behalf of the Home Office. The scheme was set to be introduced across the UK in "
        "autumn (the year is not stated) at an initial cost of £6m.",
        # "under plans drawn up by the Home Office", "Set to be introduced": not yet running.
        "status": Deployment.Status.ANNOUNCED,
        "start": "",
        "scale": "Number of devices redacted in the contract",
        "affected_groups": "“Foreign national” offenders convicted of a crime, according to the "
        "Home Office; the DPIA speaks of “individuals subject to immigration control”.",
        "data_retention": "Names, date of birth, nationality and photographs stored for up to "
        "six years",
        "data_sharing": "Shared between the Home Office, the Ministry of Justice and police.",
        "technologies": ["biometric-verification", "electronic-monitoring"],
        "involvements": [
            ("Home Office", Role.OPERATOR, "cw", "The plans were drawn up by the Home Office."),
            (
                "Ministry of Justice",
                Role.COMMISSIONER,
                "cw",
                "Tendered the contract on behalf of the Home Office; says the policy otherwise "
                "has nothing to do with it.",
            ),
            ("Ministry of Justice", Role.DATA_RECIPIENT, "cw", "The data will be shared with it."),
            ("Buddi", Role.SUPPLIER, "cw", "Awarded the contract in May 2022."),
        ],
        "locations": [{"name": "Across the UK", "country": "GB", "precision": "national"}],
        "costs": [
            {
                "amount": Decimal("6000000"),
                "covers": Cost.Covers.INITIAL,
                "qualifier": Cost.Qualifier.EXACT,
                "period": "Initial cost; the cost of each smartwatch was redacted.",
                "source": "cw",
                "quote": "the Home Office scheme will have an initial cost of £6m",
            },
        ],
        "events": [
            {
                "kind": Event.Kind.DPIA,
                "date": "2021-08",
                "description": "Home Office data protection impact assessment.",
                "source": "cw",
            },
            {
                "kind": Event.Kind.CONTRACT,
                "date": "2022-05",
                "description": "Contract for electronic monitoring and biometric identification "
                "of “specific cohorts” (Home Office Satellite Tracking Service) awarded to Buddi.",
                "source": "cw",
            },
        ],
        "assessments": [
            {
                "kind": ImpactAssessment.Kind.DPIA,
                "date": "2021-08",
                "availability": ImpactAssessment.Availability.FOI,
                "obtained_by": "Privacy International (FOI request); shared with The Guardian",
                "source": "cw",
            },
        ],
        # The article gives no date, so neither do the statements it reports.
        "responses": [
            {
                "kind": Response.Kind.REPLY,
                "organisation": "Home Office",
                "person": "",
                "summary": "In a statement given to The Guardian: the scheme applies only to "
                "convicted foreign national offenders, not to asylum seekers; since August 2021 "
                "the Home Office has tagged over 2,500 foreign criminals.",
                "quote": "The public expects us to monitor convicted foreign-national offenders "
                "and to suggest this contract applies to asylum seekers who have arrived via "
                "illegal means is simply wrong. Since August 2021, the Home Office has "
                "successfully tagged over 2,500 foreign criminals",
                "source": "cw",
            },
            {
                "kind": Response.Kind.OTHER,
                "organisation": "Ministry of Justice",
                "person": "A spokesperson",
                "summary": "The MoJ put out the contract on behalf of the Home Office, because it "
                "already tags offenders; beyond this the policy has nothing to do with the MoJ.",
                "quote": "the contract was put out by the MoJ on behalf of the Home Office, but "
                "beyond this, the policy has nothing to do with the MoJ",
                "source": "cw",
            },
            {
                "kind": Response.Kind.OBJECTION,
                "organisation": None,
                "person": "Monish Bhatia, lecturer in criminology at Birkbeck, University of "
                "London",
                "summary": "On Twitter: calls the policy “racial surveillance” of people who have "
                "already completed their sentences, with a detrimental impact on migrants' "
                "health.",
                "quote": "It is an intrusive technology of control with detrimental impact on "
                "migrant health and well-being. The Home Office have not provided any evidence "
                "to show why electronic monitoring is necessary",
                "source": "cw",
            },
            {
                "kind": Response.Kind.OBJECTION,
                "organisation": "Privacy International",
                "person": "Lucie Audibert, lawyer and legal officer",
                "summary": "Facial recognition is an imperfect and dangerous technology that "
                "tends to discriminate against people of colour and marginalised communities.",
                "quote": "Facial recognition is known to be an imperfect and dangerous technology "
                "that tends to discriminate against people of colour and marginalised "
                "communities.",
                "source": "cw",
            },
            {
                "kind": Response.Kind.OBJECTION,
                "organisation": "Liberty",
                "person": "Sam Grant, head of policy and campaigns",
                "summary": "Facial recognition is a “discriminatory and oppressive” surveillance "
                "tool that entrenches patterns of discrimination.",
                "quote": "It is impossible to regulate for the dangers created by a technology "
                "that is oppressive by design.",
                "source": "cw",
            },
            {
                "kind": Response.Kind.NO_COMMENT,
                "organisation": "Home Office",
                "person": "",
                "summary": "Did not answer Computer Weekly's questions on the manual check, the "
                "rationale and the evidence for the monitoring by publication.",
                "quote": "Computer Weekly asked the Home Office what the manual verification "
                "process would entail, but received no response by time of publication.",
                "source": "cw",
            },
            {
                "kind": Response.Kind.NO_COMMENT,
                "organisation": "Buddi",
                "person": "",
                "summary": "Did not answer Computer Weekly about its involvement by publication.",
                "quote": "Computer Weekly contacted Buddi about its involvement in the Home "
                "Office plans to conduct biometric scans of convicted migrants faces, but "
                "received no response by time of publication.",
                "source": "cw",
            },
        ],
        "citations": [
            (
                "cw",
                Claim.SUMMARY,
                "Migrants convicted of a crime could be subject to facial recognition scans up "
                "to five times a day under plans drawn up by the Home Office",
            ),
            (
                "cw",
                Claim.DESCRIPTION,
                "The DPIA said migrants subject to wearing the smartwatches will be forced to "
                "submit photos using its camera up to five times a day, with their images "
                "cross-referenced against biometric facial information held by the Home Office.",
            ),
            (
                "cw",
                Claim.TECHNOLOGY,
                "with a requirement to wear either a fitted ankle tag or a facial "
                "recognition-enabled smartwatch at all times",
            ),
            ("cw", Claim.STATUS, "Set to be introduced across the UK in autumn"),
            ("cw", Claim.LOCATION, "introduced across the UK"),
            (
                "cw",
                Claim.AFFECTED,
                "the smartwatch scheme will only apply to “foreign national” offenders who have "
                "been convicted of a crime, not to any other migrants",
            ),
            (
                "cw",
                Claim.GENERAL,
                "locations would be tracked “24/7, allowing trail monitoring data to be recorded”",
            ),
            (
                "cw",
                Claim.RETENTION,
                "including their names, date of birth, nationality and photographs – would be "
                "stored for up to six years",
            ),
            (
                "cw",
                Claim.SHARING,
                "The data will be shared between the Home Office, MoJ and police.",
            ),
            (
                "cw",
                Claim.SCALE,
                "the number of devices to be produced and the cost of each smartwatch was "
                "redacted in the contract",
            ),
        ],
    },
    {
        "slug": "proc764-migrant-tracker",
        "title": "Proc764 Migrant Tracker wristband contract",
        "summary": "A £150,000 Home Office contract titled Proc764 Migrant Tracker, awarded to "
        "The Barcode Warehouse in July 2022, for barcoded wristbands, scanning equipment and "
        "asset-tracking software.",
        "description": "Computer Weekly asked the Home Office and The Barcode Warehouse whether "
        "the contract was part of the same policy to electronically monitor migrants; neither "
        "had responded by publication. How and where the equipment is used is not stated.",
        # Only the contract award is reported; nothing says whether the wristbands are in use.
        "status": Deployment.Status.UNKNOWN,
        "start": "",
        "technologies": ["barcode-wristbands"],
        "involvements": [
            # The contract is the Home Office's; who operates the wristbands is not stated.
            ("Home Office", Role.COMMISSIONER, "cw", "Awarded the contract."),
            ("The Barcode Warehouse", Role.SUPPLIER, "cw", "Awarded the contract in July 2022."),
        ],
        "costs": [
            {
                "amount": Decimal("150000"),
                "covers": Cost.Covers.CONTRACT,
                "qualifier": Cost.Qualifier.EXACT,
                "period": "",
                "source": "cw",
                "quote": "A separate Home Office contract worth £150,000",
            },
        ],
        "events": [
            {
                "kind": Event.Kind.CONTRACT,
                "date": "2022-07",
                "description": "Contract awarded to The Barcode Warehouse.",
                "source": "cw",
            },
        ],
        "responses": [
            {
                "kind": Response.Kind.NO_COMMENT,
                "organisation": "Home Office",
                "person": "",
                "summary": "Did not say by publication whether the contract is part of the same "
                "policy to electronically monitor migrants.",
                "quote": "Computer Weekly asked the Home Office about the contract, and whether "
                "it was part of the same policy to electronically monitor migrants, but received "
                "no response by time of publication.",
                "source": "cw",
            },
            {
                "kind": Response.Kind.NO_COMMENT,
                "organisation": "The Barcode Warehouse",
                "person": "",
                "summary": "Did not answer Computer Weekly by publication.",
                "quote": "Computer Weekly also asked The Barcode Warehouse, but similarly "
                "received no response.",
                "source": "cw",
            },
        ],
        "citations": [
            (
                "cw",
                Claim.SUMMARY,
                "A separate Home Office contract worth £150,000, titled Proc764 Migrant "
                "Tracker, was also awarded to The Barcode Warehouse in July 2022",
            ),
            (
                "cw",
                Claim.TECHNOLOGY,
                "“the provision of barcoded wristbands and corresponding scanning equipment, "
                "in addition to asset-tracking software”",
            ),
            (
                "cw",
                Claim.DESCRIPTION,
                "Computer Weekly asked the Home Office about the contract, and whether it was "
                "part of the same policy to electronically monitor migrants, but received no "
                "response by time of publication.",
            ),
        ],
    },
]
