"""The register: deployments of surveillance technology and the sourced claims about them.

Every claim that the public reads (a cost, a date, a supplier, a legal basis) points at a
Source. Uncertain facts are stored as what is known: an imprecise date keeps its precision, a
cost keeps its qualifier ("up to"), a location keeps its precision ("national").
"""

# One module per concept; everything is importable from deployments.models, as Django expects.
from .base import (  # noqa: F401
    RESERVED_SLUGS,
    ImpreciseDateMixin,
    currency_code,
    http_url,
    not_reserved,
)
from .claims import (  # noqa: F401
    Citation,
    Cost,
    Event,
    ImpactAssessment,
    Involvement,
    LegalBasis,
    Location,
    Response,
)
from .deployment import Deployment, DeploymentQuerySet, SearchIndex  # noqa: F401
from .edits import Edit, Revision  # noqa: F401
from .jobs import ImportJob  # noqa: F401
from .shared import (  # noqa: F401
    Organisation,
    OrganisationAlias,
    OrganisationQuerySet,
    Source,
    Technology,
    TechnologyQuerySet,
)
from .state import ExportRow, RegisterState  # noqa: F401
