from django.urls import path

from . import urls_atlas, urls_collections, urls_exports, views, views_people

app_name = "gallery"
urlpatterns = [
    path("", views.home, name="home"),
    path("gallery/", views.gallery, name="gallery"),
    path("c/<slug:slug>/", views.chain_detail, name="chain_detail"),
    path("c/<slug:slug>/live/", views.chain_live, name="chain_live"),
    path("c/<slug:slug>/present/", views.chain_present, name="chain_present"),
    path("c/<slug:slug>/<int:index>/", views.step_detail, name="step_detail"),
]
urlpatterns += [
    path("submit/", views_people.submit, name="submit"),
    path("submissions/<int:pk>/image/", views_people.submission_image, name="submission_image"),
    path("moderation/", views_people.moderation_queue, name="moderation_queue"),
    path("moderation/submissions/<int:pk>/", views_people.moderate_submission, name="moderate_submission"),
    path("moderation/reports/<int:pk>/", views_people.moderate_report, name="moderate_report"),
    path("c/<slug:slug>/star/", views_people.star, name="star"),
    path("c/<slug:slug>/star-button/", views_people.star_button, name="star_button"),
    path("c/<slug:slug>/report/", views_people.report, name="report"),
    path("c/<slug:slug>/<int:index>/branch/", views_people.branch_create, name="branch"),
]
urlpatterns += urls_exports.urlpatterns
urlpatterns += urls_collections.urlpatterns
urlpatterns += urls_atlas.urlpatterns
