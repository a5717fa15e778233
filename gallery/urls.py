"""Every route of the public site (app_name "gallery"). URL names and paths are public:
links in the wild use them, so keep them when views move.

`c/<slug>.json` cannot clash with `c/<slug>/`: the slug converter has no dot.
"""

from django.urls import path

from .views import atlas, collections, exports, pages, pairs, people, research, site

app_name = "gallery"

urlpatterns = [
    path("", pages.home, name="home"),
    path("gallery/", pages.gallery, name="gallery"),
    path("c/<slug:slug>/", pages.chain_detail, name="chain_detail"),
    path("c/<slug:slug>/live/", pages.chain_live, name="chain_live"),
    path("c/<slug:slug>/present/", pages.chain_present, name="chain_present"),
    path("c/<slug:slug>/<int:index>/", pages.step_detail, name="step_detail"),
]

# People: submissions, stars, reports, branches, moderation.
urlpatterns += [
    path("submit/", people.submit, name="submit"),
    path("submissions/<int:pk>/image/", people.submission_image, name="submission_image"),
    path("moderation/", people.moderation_queue, name="moderation_queue"),
    path("moderation/submissions/<int:pk>/", people.moderate_submission, name="moderate_submission"),
    path("moderation/reports/<int:pk>/", people.moderate_report, name="moderate_report"),
    path("c/<slug:slug>/star/", people.star, name="star"),
    path("c/<slug:slug>/star-button/", people.star_button, name="star_button"),
    path("c/<slug:slug>/report/", people.report, name="report"),
    path("c/<slug:slug>/<int:index>/branch/", people.branch_create, name="branch"),
]

# Downloads of a chain.
urlpatterns += [
    path("c/<slug:slug>.json", exports.chain_json, name="chain_json"),
    path("c/<slug:slug>.zip", exports.chain_zip, name="chain_zip"),
    path("c/<slug:slug>/animation/", exports.chain_animation, name="chain_animation"),
    path(
        "c/<slug:slug>/animation/<str:format>-<int:width>-<int:frame_ms>/",
        exports.chain_animation_file,
        name="chain_animation_file",
    ),
    path("c/<slug:slug>/card.jpg", exports.chain_share_card, name="chain_share_card"),
    path("c/<slug:slug>/<int:index>/card.jpg", exports.step_share_card, name="step_share_card"),
]

# Curated collections.
urlpatterns += [
    path("collections/", collections.collection_list, name="collection_list"),
    path("collections/<slug:slug>/", collections.collection_detail, name="collection_detail"),
]

# The atlas, attractors, search; comparisons, experiments, the research export, about.
urlpatterns += [
    path("atlas/", atlas.atlas, name="atlas"),
    path("atlas/at/", atlas.atlas_at, name="atlas_at"),
    path("atlas/attractors/", atlas.attractor_list, name="attractor_list"),
    path("atlas/attractors/<int:pk>/", atlas.attractor_detail, name="attractor_detail"),
    path("search/", atlas.search, name="search"),
    path("compare/", research.compare, name="compare"),
    path("experiments/", research.experiment_list, name="experiment_list"),
    path("experiments/new/", research.experiment_new, name="experiment_new"),
    path("experiments/<slug:slug>/", research.experiment_detail, name="experiment_detail"),
    path("research/steps.csv", research.research_csv, name="research_csv"),
    path("pairs/", pairs.pair_list, name="model_pairs"),
    path("about/", research.about, name="about"),
]

# What browsers ask every site for.
urlpatterns += [
    path("favicon.ico", site.favicon, name="favicon"),
    path("manifest.webmanifest", site.web_manifest, name="web_manifest"),
]
