from django.urls import path

from . import api, feeds, views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("deployments/", views.deployment_list, name="deployment_list"),
    path("deployments/map/", views.deployment_map, name="deployment_map"),
    path("deployments/timeline/", views.deployment_timeline, name="deployment_timeline"),
    path("deployments/<slug:slug>/", views.deployment_detail, name="deployment_detail"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("technologies/<slug:slug>/", views.technology_detail, name="technology_detail"),
    # Data: the same query parameters as the pages.
    path("deployments.geojson", api.deployments_geojson, name="export_geojson"),
    path("deployments.csv", api.deployments_csv, name="export_csv"),
    path("deployments.json", api.deployments_json, name="export_json"),
    path("deployments/<slug:slug>.json", api.deployment_json, name="deployment_json"),
    path("data/", api.data_page, name="data"),
    path("data/datapackage.json", api.datapackage_json, name="datapackage"),
    path("data/register.zip", api.register_zip, name="register_zip"),
    path("feeds/deployments.atom", feeds.deployments_feed, name="feed_deployments"),
    # The staff-only bulk import is routed in transparency/urls.py, under /admin/import/.
]
