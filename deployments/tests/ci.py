"""Whether the suite runs in CI, where a check that cannot run is a failure, not a skip."""

import os

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
