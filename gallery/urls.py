from django.urls import path

from . import views

app_name = "gallery"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.chain_detail, name="chain_detail"),
    path("c/<slug:slug>/<int:index>/", views.step_detail, name="step_detail"),
]
