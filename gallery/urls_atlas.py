"""Routes of the atlas, attractors, search, comparisons, experiments, export and about
page, included into `gallery.urls` (app_name "gallery")."""

from django.urls import path

from . import views_atlas, views_research

urlpatterns = [
    path("atlas/", views_atlas.atlas, name="atlas"),
    path("atlas/at/", views_atlas.atlas_at, name="atlas_at"),
    path("atlas/attractors/", views_atlas.attractor_list, name="attractor_list"),
    path("atlas/attractors/<int:pk>/", views_atlas.attractor_detail, name="attractor_detail"),
    path("search/", views_atlas.search, name="search"),
    path("compare/", views_research.compare, name="compare"),
    path("experiments/", views_research.experiment_list, name="experiment_list"),
    path("experiments/new/", views_research.experiment_new, name="experiment_new"),
    path("experiments/<slug:slug>/", views_research.experiment_detail, name="experiment_detail"),
    path("research/steps.csv", views_research.research_csv, name="research_csv"),
    path("about/", views_research.about, name="about"),
]
