"""Django's admin discovers each app's `admin` module; the data-entry admin lives in editing/."""

from deployments.editing import admin  # noqa: F401
