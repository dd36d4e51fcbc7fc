from django.apps import AppConfig


class DeploymentsConfig(AppConfig):
    name = "deployments"
    verbose_name = "Surveillance register"

    def ready(self):
        from . import signals  # noqa: F401  (connects the search-document receivers)
