"""Routes of the chain downloads, included into `gallery.urls` (app_name "gallery").

`c/<slug>.json` cannot clash with `c/<slug>/`: the slug converter has no dot.
"""

from django.urls import path

from . import exports

urlpatterns = [
    path("c/<slug:slug>.json", exports.chain_json, name="chain_json"),
    path("c/<slug:slug>.zip", exports.chain_zip, name="chain_zip"),
    path("c/<slug:slug>/animation/", exports.chain_animation, name="chain_animation"),
    path(
        "c/<slug:slug>/animation/<str:format>-<int:width>-<int:frame_ms>/",
        exports.chain_animation_file, name="chain_animation_file",
    ),
]
