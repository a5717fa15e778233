"""Routes for curated collections; included into gallery.urls (app_name "gallery")."""

from django.urls import path

from . import views_collections

app_name = "gallery"
urlpatterns = [
    path("collections/", views_collections.collection_list, name="collection_list"),
    path("collections/<slug:slug>/", views_collections.collection_detail, name="collection_detail"),
]
