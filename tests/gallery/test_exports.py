"""Chain downloads: the JSON document, the ZIP, and the animation panel and file."""

from __future__ import annotations

import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chains.animation import ANIMATION_BAD_FORMAT, ANIMATION_BAD_FRAME_MS, ANIMATION_BAD_WIDTH
from chains.exports import step_metadata
from chains.models import AnimationStatus, Chain, ChainAnimation, Visibility
from chains.services import chain_run_inline
from tests.factories import make_chain

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
GIF_512 = {"format": "gif", "width": "512", "frame_ms": "800"}


@pytest.fixture
def finished_chain():
    return chain_run_inline(chain=make_chain(target_length=2, title="Red square"))


def export_urls(chain) -> list[str]:
    return [
        f"/c/{chain.slug}.json",
        f"/c/{chain.slug}.zip",
        f"/c/{chain.slug}/animation/",
        f"/c/{chain.slug}/animation/gif-512-800/",
    ]


# --- JSON ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_json_describes_the_chain_and_every_step_with_absolute_image_links(client, finished_chain):
    response = client.get(f"/c/{finished_chain.slug}.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert b'\n  "slug"' in response.content  # indented for people reading it
    document = response.json()
    assert document["slug"] == finished_chain.slug and document["title"] == "Red square"
    assert document["mode"] == "telephone" and document["detail"] == "very"
    assert document["target_length"] == 2 and document["status"] == "completed"
    assert document["provider"] == "tests.support.providers"
    assert document["provider_settings"]["image_model"] == "scripted-painter"
    assert document["finished_at"] and document["usage"]["images"] == finished_chain.images_generated
    assert document["url"] == f"http://testserver/c/{finished_chain.slug}/"
    assert document["parent"] is None
    steps = document["steps"]
    assert [step["iteration"] for step in steps] == [0, 1, 2]
    for record, step in zip(steps, finished_chain.steps.order_by("index"), strict=True):
        assert record["caption"] == step.caption == f"caption of step {step.index}"
        assert record["prompt"] == step.paint_prompt and record["revised_prompt"] == step.revised_prompt
        assert record["caption_model"] == "scripted-captioner"
        assert record["timings_ms"]["caption"] == step.caption_ms
        assert record["images"] == {
            "original": f"http://testserver{step.image.url}",
            "thumbnail_small": f"http://testserver{step.thumbnail_small.url}",
            "thumbnail_large": f"http://testserver{step.thumbnail_large.url}",
        }
        assert record["url"] == f"http://testserver/c/{finished_chain.slug}/{step.index}/"
    assert steps[1]["image_model"] == "scripted-painter" and steps[1]["timings_ms"]["paint"] is not None
    assert steps[1]["prompt"]  # painted steps record the prompt sent to the painter


def test_json_names_the_parent_and_fork_step_of_a_branch(client):
    parent = make_chain()
    fork = parent.steps.get(index=0)
    branch = make_chain(parent=parent, fork_step=fork)
    assert client.get(f"/c/{branch.slug}.json").json()["parent"] == {"slug": parent.slug, "fork_step_index": 0}


def test_json_leaves_out_where_the_provider_is_reached(client):
    chain = make_chain()
    Chain.objects.filter(pk=chain.pk).update(
        provider_settings={"backend": "openai", "base_url": "http://10.0.0.5/v1", "caption_model": "m"}
    )
    settings = client.get(f"/c/{chain.slug}.json").json()["provider_settings"]
    assert settings == {"backend": "openai", "caption_model": "m"}


def test_json_and_zip_queries_do_not_grow_with_steps(client, django_assert_num_queries):
    chain = make_chain()
    with CaptureQueriesContext(connection) as captured:
        client.get(f"/c/{chain.slug}.json")
    assert len(captured) <= 4
    for index in (1, 2, 3):
        step = chain.steps.get(index=0)
        step.pk, step.index = None, index
        step.save()
    with django_assert_num_queries(len(captured)):
        client.get(f"/c/{chain.slug}.json")
    with django_assert_num_queries(len(captured)):
        b"".join(client.get(f"/c/{chain.slug}.zip").streaming_content)


# --- ZIP ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_zip_holds_the_experiment_folder_and_chain_json(client, finished_chain):
    response = client.get(f"/c/{finished_chain.slug}.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{finished_chain.slug}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        [
            "chain.json",
            "original.jpg",
            "image_1.jpg",
            "image_2.jpg",
            "metadata_0.json",
            "metadata_1.json",
            "metadata_2.json",
        ]
    )
    assert archive.testzip() is None
    steps = list(finished_chain.steps.order_by("index"))
    with steps[2].image.open("rb") as original:
        assert archive.read("image_2.jpg") == original.read()
    assert json.loads(archive.read("metadata_1.json")) == json.loads(
        json.dumps(step_metadata(step=steps[1], chain=finished_chain))
    )
    document = json.loads(archive.read("chain.json"))
    assert document["slug"] == finished_chain.slug and len(document["steps"]) == 3


def archives(chain) -> list[str]:
    from django.core.files.storage import default_storage

    folder = f"exports/{chain.pk}/"
    if not default_storage.exists(folder):
        return []
    return sorted(folder + name for name in default_storage.listdir(folder)[1])


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_the_zip_is_built_once_per_version_of_the_chain_and_kept(client, finished_chain, monkeypatch):
    """Issue 12: a 200-step chain's ~42 MB archive was rebuilt on every request."""
    from chains.services import exports as archive_service

    builds = []
    real_build = archive_service.chain_zip
    monkeypatch.setattr(archive_service, "chain_zip", lambda **kwargs: builds.append(1) or real_build(**kwargs))
    first = b"".join(client.get(f"/c/{finished_chain.slug}.zip").streaming_content)
    second = b"".join(client.get(f"/c/{finished_chain.slug}.zip").streaming_content)
    assert first == second and len(builds) == 1
    kept = archives(finished_chain)
    assert len(kept) == 1 and kept[0].startswith(f"exports/{finished_chain.pk}/{finished_chain.slug}-")

    finished_chain.steps.filter(index=1).update(caption="[redacted by staff]")
    third = client.get(f"/c/{finished_chain.slug}.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(third.streaming_content)))
    assert json.loads(archive.read("metadata_1.json"))["caption"] == "[redacted by staff]"
    assert len(builds) == 2
    assert len(archives(finished_chain)) == 1 and archives(finished_chain) != kept, "the old version is gone"


def test_the_stored_zip_is_the_same_whoever_asks(client, settings):
    chain = make_chain(target_length=1)
    client.get(f"/c/{chain.slug}.zip", HTTP_HOST="127.0.0.1")
    client.get(f"/c/{chain.slug}.zip", HTTP_HOST="localhost")
    assert len(archives(chain)) == 1


# --- animation panel ----------------------------------------------------------------


def test_the_chain_page_shell_needs_only_the_chain_and_loads_the_live_panel():
    chain = make_chain()
    shell = Template('{% include "gallery/_export_panel.html" %}').render(
        Context({"chain": chain, "form": object()})  # a page's own `form` must not matter
    )
    assert f'href="/c/{chain.slug}.json"' in shell and f'href="/c/{chain.slug}.zip"' in shell
    assert f'hx-get="/c/{chain.slug}/animation/" hx-trigger="load"' in shell
    assert f'<a href="/c/{chain.slug}/animation/">' in shell  # the same without JavaScript
    assert "csrfmiddlewaretoken" not in shell  # safe inside an anonymously cached page


def test_the_panel_offers_the_options_with_labels_and_a_csrf_protected_form(member_client):
    chain = make_chain()
    panel = member_client.get(f"/c/{chain.slug}/animation/", headers=HTMX).content.decode()
    assert panel.lstrip().startswith('<section id="export"') and "<html" not in panel
    assert 'method="post"' in panel and f'hx-post="/c/{chain.slug}/animation/"' in panel
    assert "csrfmiddlewaretoken" in panel
    for field in ("format", "width", "frame_ms"):
        assert f'for="id_{field}"' in panel and f'id="id_{field}"' in panel
    assert 'value="gif" selected' in panel and 'value="512" selected' in panel  # the defaults
    assert 'hx-trigger="every' not in panel


def test_without_htmx_the_panel_is_a_page_of_its_own(client):
    chain = make_chain()
    page = client.get(f"/c/{chain.slug}/animation/").content.decode()
    assert "<html" in page and 'id="export"' in page and f'href="/c/{chain.slug}/"' in page


@pytest.mark.parametrize(
    "query, message",
    [
        ({"format": "bmp"}, ANIMATION_BAD_FORMAT),
        ({"width": "300"}, ANIMATION_BAD_WIDTH),
        ({"width": "huge"}, ANIMATION_BAD_WIDTH),
        ({"frame_ms": "50"}, ANIMATION_BAD_FRAME_MS),
        ({"frame_ms": "9000"}, ANIMATION_BAD_FRAME_MS),
        ({"frame_ms": "700"}, ANIMATION_BAD_FRAME_MS),
        ({"frame_ms": "fast"}, ANIMATION_BAD_FRAME_MS),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_options_get_the_panel_with_the_message_and_400(member_client, method, query, message):
    chain = make_chain()
    response = getattr(member_client, method)(f"/c/{chain.slug}/animation/", {**GIF_512, **query}, headers=HTMX)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ChainAnimation.objects.exists()


def test_a_pending_animation_polls_its_panel(member_client, django_capture_on_commit_callbacks):
    chain = make_chain()
    with django_capture_on_commit_callbacks(execute=False):  # the render has not run yet
        panel = member_client.post(f"/c/{chain.slug}/animation/", GIF_512, headers=HTMX).content.decode()
    row = ChainAnimation.objects.get()
    assert (row.status, row.format, row.width, row.frame_ms) == (AnimationStatus.PENDING, "gif", 512, 800)
    assert 'hx-trigger="every 2s"' in panel
    assert f'hx-get="/c/{chain.slug}/animation/?format=gif&amp;width=512&amp;frame_ms=800"' in panel
    assert "Making the GIF" in panel


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_asking_for_an_animation_shows_it_ready_to_download(member_client, finished_chain):
    response = member_client.post(f"/c/{finished_chain.slug}/animation/", GIF_512, headers=HTMX)
    assert response.status_code == 200
    panel = response.content.decode()
    row = ChainAnimation.objects.get()
    assert row.status == AnimationStatus.READY and row.step_count == 3
    file_url = f"/c/{finished_chain.slug}/animation/gif-512-800/"
    assert f'<img src="{file_url}?v=' in panel and 'alt="Animation of Red square: 3 steps' in panel
    assert f'href="{file_url}" download="{finished_chain.slug}-gif-512-800.gif"' in panel
    assert 'hx-trigger="every' not in panel  # polling stops once ready
    redirect = member_client.get(file_url)
    assert redirect.status_code == 302
    assert redirect["Location"] == f"/media/animations/{finished_chain.pk}/gif-512-800.gif"
    polled = member_client.get(f"/c/{finished_chain.slug}/animation/", GIF_512, headers=HTMX).content.decode()
    assert f'<img src="{file_url}?v=' in polled


@pytest.mark.django_db
@pytest.mark.usefixtures("on_commit_runs")
def test_a_stale_animation_says_the_chain_has_grown(member_client, finished_chain):
    member_client.post(f"/c/{finished_chain.slug}/animation/", GIF_512, headers=HTMX)
    ChainAnimation.objects.update(step_count=2)
    panel = member_client.get(f"/c/{finished_chain.slug}/animation/", GIF_512, headers=HTMX).content.decode()
    assert "The chain has grown since" in panel


def test_a_failed_animation_shows_its_message_and_stops_polling(client):
    chain = make_chain()
    ChainAnimation.objects.create(
        chain=chain, format="gif", width=512, frame_ms=800, status=AnimationStatus.FAILED, error_message="It broke."
    )
    panel = client.get(f"/c/{chain.slug}/animation/", GIF_512, headers=HTMX).content.decode()
    assert "It broke." in panel and 'hx-trigger="every' not in panel


def test_without_javascript_a_post_redirects_to_the_panel_page(member_client, django_capture_on_commit_callbacks):
    chain = make_chain()
    with django_capture_on_commit_callbacks(execute=False):
        response = member_client.post(f"/c/{chain.slug}/animation/", GIF_512)
    assert response.status_code == 302
    assert response["Location"] == f"/c/{chain.slug}/animation/?format=gif&width=512&frame_ms=800"
    page = member_client.get(response["Location"]).content.decode()
    assert "<html" in page and "Making the GIF" in page
    assert '<noscript><meta http-equiv="refresh"' in page  # refreshes itself while pending


def test_the_file_of_an_animation_that_is_not_ready_is_404(client):
    chain = make_chain()
    base = f"/c/{chain.slug}/animation"
    assert client.get(f"{base}/gif-512-800/").status_code == 404
    ChainAnimation.objects.create(chain=chain, format="gif", width=512, frame_ms=800)
    assert client.get(f"{base}/gif-512-800/").status_code == 404
    assert client.get(f"{base}/png-512-800/").status_code == 404
    assert client.get(f"{base}/gif-300-800/").status_code == 404


# --- who may see what ---------------------------------------------------------------


@pytest.mark.parametrize("visibility, hidden", [(Visibility.PRIVATE, False), (Visibility.PUBLIC, True)])
def test_private_and_hidden_chains_are_404_on_every_export(client, visibility, hidden):
    owner = get_user_model().objects.create_user("owner", password="x")
    chain = make_chain(visibility=visibility, owner=owner)
    Chain.objects.filter(pk=chain.pk).update(is_hidden=hidden)
    ChainAnimation.objects.create(
        chain=chain,
        format="gif",
        width=512,
        frame_ms=800,
        status=AnimationStatus.READY,
        step_count=1,
        file="animations/x.gif",
    )
    for url in export_urls(chain):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/c/{chain.slug}/animation/", GIF_512).status_code == 404
    assert ChainAnimation.objects.count() == 1
    staff = get_user_model().objects.create_user("mod", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/c/{chain.slug}.json").status_code == 200


def test_the_owner_may_export_a_private_chain(client):
    owner = get_user_model().objects.create_user("owner", password="x")
    chain = make_chain(visibility=Visibility.PRIVATE, owner=owner)
    client.force_login(owner)
    assert client.get(f"/c/{chain.slug}.zip").status_code == 200


def test_unlisted_chains_export_by_link(client):
    chain = make_chain(visibility=Visibility.UNLISTED)
    assert client.get(f"/c/{chain.slug}.json").status_code == 200


def test_visitors_are_offered_a_log_in_instead_of_renders(client):
    """Issue 12: anyone could queue renders; now a visitor's POST goes to the log-in."""
    chain = make_chain()
    panel = client.get(f"/c/{chain.slug}/animation/", headers=HTMX).content.decode()
    assert "Make the animation" not in panel and "/accounts/login/?next=" in panel
    refused = client.post(f"/c/{chain.slug}/animation/", GIF_512, headers=HTMX)
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/login/")
    assert not ChainAnimation.objects.exists()


def test_each_member_has_a_render_rate_limit(member_client, settings, django_capture_on_commit_callbacks):
    settings.TELEPHONE_RENDER_RATE_LIMIT = 2
    chain = make_chain()
    asked = []
    with django_capture_on_commit_callbacks(execute=False):
        for frame_ms in ("200", "400", "800"):
            asked.append(
                member_client.post(f"/c/{chain.slug}/animation/", {**GIF_512, "frame_ms": frame_ms}, headers=HTMX)
            )
    assert [response.status_code for response in asked] == [200, 200, 429]
    refused = asked[-1]
    assert 1 <= int(refused["Retry-After"]) <= settings.TELEPHONE_RENDER_RATE_WINDOW_SECONDS
    assert "You have asked for many animations" in refused.content.decode()
    assert ChainAnimation.objects.count() == 2


def test_renders_go_to_their_own_queue(settings):
    from telephone_site.celery import app

    route = app.amqp.router.route({}, "chains.tasks.render_chain_animation")
    assert route["queue"].name == settings.TELEPHONE_RENDER_QUEUE == "renders"
    assert "renders" in {queue.name for queue in app.conf.task_queues}


def test_unknown_chains_are_404(client):
    for url in export_urls(SimpleNamespace(slug="nosuchchain")):
        assert client.get(url).status_code == 404, url


def test_the_animation_post_needs_a_csrf_token(member):
    chain = make_chain()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(f"/c/{chain.slug}/animation/", GIF_512).status_code == 403
    assert strict.post(f"/c/{chain.slug}/animation/", GIF_512, headers=HTMX).status_code == 403
    assert not ChainAnimation.objects.exists()
    strict.get(f"/c/{chain.slug}/animation/", headers=HTMX)  # the panel sets the cookie
    token = strict.cookies["csrftoken"].value
    response = strict.post(f"/c/{chain.slug}/animation/", {**GIF_512, "csrfmiddlewaretoken": token}, headers=HTMX)
    assert response.status_code == 200 and ChainAnimation.objects.count() == 1


def test_exports_refuse_the_wrong_methods(client):
    chain = make_chain()
    assert client.post(f"/c/{chain.slug}.json").status_code == 405
    assert client.post(f"/c/{chain.slug}.zip").status_code == 405
    assert client.put(f"/c/{chain.slug}/animation/").status_code == 405
    assert client.post(f"/c/{chain.slug}/animation/gif-512-800/").status_code == 405
