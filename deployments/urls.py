from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("deployments/<slug:slug>/", views.deployment_detail, name="deployment_detail"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("technologies/<slug:slug>/", views.technology_detail, name="technology_detail"),
]
