from django.urls import path

from . import urls_exports, views

app_name = "gallery"
urlpatterns = [
    path("", views.home, name="home"),
    path("gallery/", views.gallery, name="gallery"),
    path("c/<slug:slug>/", views.chain_detail, name="chain_detail"),
    path("c/<slug:slug>/live/", views.chain_live, name="chain_live"),
    path("c/<slug:slug>/present/", views.chain_present, name="chain_present"),
    path("c/<slug:slug>/<int:index>/", views.step_detail, name="step_detail"),
]
urlpatterns += urls_exports.urlpatterns
