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
    # The companies' and campaign groups' countries are left empty, so the public pages say
    # "not stated": the seeds do not give them, and a group name such as "Leonardo" does not
    # say which national company is meant. Each description is only what the seeds call the
    # organisation, or empty where they call it nothing.
    {
        # The seeds speak only of "Leonardo software" and "Leonardo’s software": that is what
        # it supplies here (its involvement note), not a description of what kind of company it
        # is.
        "name": "Leonardo",
        "slug": "leonardo",
        "kind": Organisation.Kind.COMPANY,
        "country": "",
        "description": "",
    },
    {
        "name": "Buddi",
        "slug": "buddi",
        "kind": Organisation.Kind.COMPANY,
        "country": "",
        "description": "Wearable device maker.",  # "wearable device maker Buddi"
    },
    {
        "name": "The Barcode Warehouse",
        "slug": "the-barcode-warehouse",
        "kind": Organisation.Kind.COMPANY,
        "country": "",
        "description": "",
    },
    # Named in the smartwatch article only for what their people said of it (its responses).
    {
        "name": "Privacy International",
        "slug": "privacy-international",
        "kind": Organisation.Kind.NGO,
        "country": "",
        "description": "Campaign group.",  # "campaign group Privacy International"
    },
    {
        "name": "Liberty",
        "slug": "liberty",
        "kind": Organisation.Kind.NGO,
        "country": "",
        "description": "Human rights group.",  # "human rights group Liberty"
    },
    {
        # Its article calls it only "PA" (the source's notes say so); the seeds never say what
        # kind of firm it is.
        "name": "PA Consulting",
        "slug": "pa-consulting",
        "kind": Organisation.Kind.COMPANY,
        "country": "",
        "description": "",
    },
]
# Not organisations here, on purpose: "police" (smartwatch data sharing), "Police Forces and
# other Law Enforcement Agencies" (NAS users) and "European allies" (ANPR trial) are unnamed
# groups. An organisation record such as "Police forces (unspecified)" would be shared by every
# deployment that mentions some police, and so would join unrelated forces into one body that
# does not exist. Those facts are kept as sourced free text (data_sharing, description).

# Keyed by a short name used only in this file.
#
# A source's URL is the address of the very text its quotes come from, given only where the
# page at that address has been checked to read as the seed document does; any other address
# (a republication, the reporting an article relies on) is named in its notes. Computer Weekly's
# own address for its article is not known, so its URL stays empty and its page says "No web
# address known.". No source is dated from anywhere but its own text.
SOURCES = {
    "times": {
        "title": "UK to use ANPR cameras in Europe to track people smugglers",
        "publisher": "The Times",
        "source_type": Source.Type.NEWS,
        "published": "2024-10-14",
        # The quotes are the summary's words, not The Times's, so the summary's address is the
        # one a reader can check them at.
        "url": "https://freevacy.com/news/the-times/uk-to-use-anpr-cameras-in-europe-to-track-"
        "people-smugglers/5824",
        "notes": "The quotes are from a summary of the article on the Privacy Newsfeed, dated "
        "14/10/2024, at the address given here. The Times article requires a subscription; the "
        "summary says a version is available without subscription in The Standard.",
    },
    "techuk": {
        "title": "The National ANPR Service as a tool to tackle violent crime",
        "publisher": "techUK",
        "source_type": Source.Type.OTHER,
        "published": "",
        "url": "https://www.techuk.org/insights/case-studies/item/16131-the-national-anpr-"
        "service-as-a-tool-to-tackle-violent-crime",
        "notes": "Case study “contributed as part of techUK’s Digitally enabled public safety "
        "report: Harnessing the power of tech to tackle violent crime”. The contributor and the "
        "publication date are not given.",
    },
    "pa": {
        "title": "Embedding ANPR into mainstream policing",
        "publisher": "PA Consulting",
        "source_type": Source.Type.VENDOR,
        "published": "",
        # http:// as checked: an https:// address is not assumed.
        "url": "http://www.paconsulting.com/insights/embedding-anpr-into-mainstream-policing/",
        # The other version is named, not quoted: its wording differs in places. Its date is
        # not taken as this page's, which gives none.
        "notes": "Article in which the firm calls itself “PA”; Andrew Hooke and Søren Lehn "
        "(Government and public sector) are listed as contacts. Undated. The footnote to the "
        "camera figures reads only “1 Source:”, with no reference. A version of the article, "
        "“Moving up a gear: Embedding ANPR into mainstream policing” by Richard Bailey, Carl "
        "Roberts and Rob Smith, is on PA’s site as published in Police Professional on "
        "14 June 2012: http://www.paconsulting.com/newsroom/expert-opinion/police-professional-"
        "embedding-anpr-into-mainstream-policing-14-june-2012/",
    },
    "colp": {
        # Titled by the page's own section heading: its text, as read, has no headline.
        "title": "ANPR operation",
        "publisher": "City of London Police",
        "source_type": Source.Type.OFFICIAL,
        "published": "",
        # The address has a year and month in its path, but the page's text gives no date, and
        # the path is not taken as one: "last month" stays undated.
        "url": "https://www.cityoflondon.police.uk/news/city-of-london/news/2024/february/"
        "successful-anpr-operation-in-the-city-of-london/",
        "notes": "Force web page, with the section heading “ANPR operation”. The page is "
        "undated, so “last month” cannot be dated, and the results that should follow “It "
        "resulted in:” are missing from its text.",
    },
    "cw": {
        "title": "UK to surveil convicted migrants with facial recognition",
        "publisher": "Computer Weekly",
        "source_type": Source.Type.NEWS,
        "published": "",
        # The text quoted is a republication; it is named in the notes, not given as
        # Computer Weekly's address, which it is not.
        "url": "",
        "notes": "The article reports a Home Office DPIA obtained by Privacy International "
        "under FOI and shared with The Guardian; its publication date is not in its text. The "
        "quotes are from a republication of the article at https://ihowtoarticle.com/uk-to-"
        "surveil-convicted-migrants-with-facial-recognition/, which ends with a “Source link” "
        "but does not give the original’s address. The Guardian’s report of the DPIA: “Facial "
        "recognition smartwatches to be used to monitor foreign offenders in UK”, https://www.theguardian."
        "com/politics/2022/aug/05/facial-recognition-smartwatches-to-be-used-to-monitor-"
        "foreign-offenders-in-uk",
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
        "and support post-event, pro-active and real-time analysis. Of UK police ANPR in "
        "general, not of NAS, it says that the data is collected and analysed in compliance "
        "with legislation including the Data Protection Act 2018, as agreed with the offices of "
        "the Information Commissioner and Surveillance Camera Commissioner; it names no "
        "provision.",
        # "is currently deploying": the rollout is under way, which is more than announced or
        # planned. There is no "being rolled out" status; Active is the nearest, though what
        # the service will do is all in the future tense.
        "status": Deployment.Status.ACTIVE,
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
        # The one statement of law is the case study's, an industry text, about UK police
        # ANPR in general: stated by a third party, not asserted by the Home Office.
        "legal_bases": [
            {
                "instrument_type": LegalBasis.Instrument.STATUTE,
                "instrument": "Data Protection Act 2018",
                "status": LegalBasis.Status.THIRD_PARTY,
                "note": "An industry case study says UK police ANPR data in general is collected "
                "and analysed in compliance with legislation including the Data Protection Act "
                "2018, agreed with the offices of the Information Commissioner and Surveillance "
                "Camera Commissioner. It does not say this of the National ANPR Service, and "
                "cites no provision.",
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
            (
                "techuk",
                Claim.GENERAL,
                "Data is collected and analysed in accordance with strict data protection and "
                "proportionality principles in compliance with legislation including Data "
                "Protection Act 2018 and agreed with the offices of the Information "
                "Commissioner and Surveillance Camera Commissioner.",
            ),
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
        # "ANPR is now a core tool", but the article's "now" is dated only as "ten years on"
        # from 2002, and nothing says the data centre still runs: Active would show it as
        # ongoing today. Unknown is what the text supports.
        "status": Deployment.Status.UNKNOWN,
        # "Introduced in 2002" dates ANPR in policing, not the data centre, whose start the
        # article does not give: no start, and no "started" event either, which a period
        # filter would read as the data centre's (the summary keeps the 2002).
        "start": "",
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
                Claim.STATUS,
                "Ten years on from the first introduction of ANPR as a roads policing tool",
            ),
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
        "description": "For two nights “last month” the force focussed on detecting vehicles "
        "that hit its ANPR cameras; the page gives no date, so which month is unknown, and the "
        "results it announces (“It resulted in:”) are missing from its text. The force says it "
        "uses ANPR to detect, deter and disrupt criminal activity at a local and national "
        "level, including travelling criminals, organised crime groups and terrorists.",
        # "recently carried out" ... "For two nights last month": over when reported.
        "status": Deployment.Status.ENDED,
        "start": "",
        # No planned duration: the two nights are what happened, told in the past tense, and
        # an undated page's "last month" gives no month for an event; so they are told in the
        # description.
        "technologies": ["anpr"],
        "involvements": [
            ("City of London Police", Role.OPERATOR, "colp", "Carried out the operation."),
        ],
        # The page says only "our ANPR cameras", naming no place for the operation, so the
        # location is named as that, with no point on the map: "City or region" because the
        # cameras are a city force's (the page calls its area "the City"), and a UK one ("used
        # by forces throughout the UK").
        "locations": [
            {"name": "City of London Police's ANPR cameras", "country": "GB", "precision": "city"},
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
                Claim.GENERAL,
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
        # The Home Office's own count of the people it tags, the one figure of scale given; the
        # redacted number of devices is told with the cost, whose quote says so (one quote per
        # claim and source).
        "scale": "Over 2,500 foreign criminals tagged since August 2021, according to the Home "
        "Office",
        "affected_groups": "“Foreign national” offenders convicted of a crime, according to the "
        "Home Office; the DPIA speaks of “individuals subject to immigration control”.",
        # "including": the list is the article's examples, not all that is kept.
        "data_retention": "A range of information, including names, date of birth, nationality "
        "and photographs, stored for up to six years",
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
                # "£6m" is a round figure for an initial cost, not an exact sum.
                "qualifier": Cost.Qualifier.APPROXIMATELY,
                "period": "Initial cost; the number of devices to be produced and the cost of "
                "each smartwatch were redacted in the contract.",
                "source": "cw",
                "quote": "the Home Office scheme will have an initial cost of £6m, although the "
                "number of devices to be produced and the cost of each smartwatch was redacted in "
                "the contract",
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
                "Since August 2021, the Home Office has successfully tagged over 2,500 foreign "
                "criminals",
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
