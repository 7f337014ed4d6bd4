"""The SVG charts alone: well-formed, one image with a title and a description, every
number in a data-cell holding its raw value, mirrored in a right-to-left language, escaped."""

from xml.etree.ElementTree import Element

import pytest
from defusedxml import ElementTree
from django.utils import translation

from praxis.analytics import charts
from praxis.analytics.activity import Edge, Node, ReplyNetwork

NS = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture(autouse=True)
def english():
    """Charts speak the active language: English here unless a test says otherwise (a page
    served in Persian earlier in the thread leaves Persian active)."""
    with translation.override("en"):
        yield


def parse(svg) -> Element:
    return ElementTree.fromstring(str(svg))


def cells(root: Element) -> dict[str, str]:
    return {element.get("data-cell"): element.get("data-value")
            for element in root.iter() if element.get("data-cell")}


BARS = [charts.Bar("Contributors", 12, "group-contributor"),
        charts.Bar("<script>alert(1)</script>", 3, "group-lurker"),
        charts.Bar("Inactive", 0, "group-inactive")]


def test_a_bar_chart_is_one_titled_image_with_its_numbers():
    root = parse(charts.bar_chart(BARS, chart_id="g", title="Groups", desc="Members by group"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "g-title g-desc"
    assert root.find("s:title", NS).text == "Groups"
    assert root.find("s:desc", NS).text == "Members by group"
    assert cells(root) == {"group-contributor": "12", "group-lurker": "3",
                           "group-inactive": "0"}
    widths = [float(rect.get("width")) for rect in root.iter(f"{{{NS['s']}}}rect")]
    assert widths[0] == 360 - 16 - 44 and widths[1] == pytest.approx(widths[0] * 3 / 12)
    assert widths[2] == 0
    text = str(charts.bar_chart(BARS, chart_id="g", title="Groups", desc="d"))
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_bars_share_a_scale_when_told_its_maximum():
    root = parse(charts.bar_chart(BARS[:1], chart_id="g", title="t", desc="d", maximum=24))
    [rect] = root.iter(f"{{{NS['s']}}}rect")
    assert float(rect.get("width")) == (360 - 16 - 44) / 2


def test_in_persian_the_bars_grow_from_the_right_with_persian_digits():
    with translation.override("fa"):
        root = parse(charts.bar_chart(BARS, chart_id="g", title="t", desc="d"))
    assert root.get("direction") == "rtl"
    first = next(root.iter(f"{{{NS['s']}}}rect"))
    assert float(first.get("x")) + float(first.get("width")) == 360 - 8
    tspans = [element for element in root.iter() if element.get("data-cell")]
    assert tspans[0].text == "۱۲" and tspans[0].get("data-value") == "12"


def test_a_line_chart_has_a_point_per_value_and_a_legend():
    series = [charts.Series("Posts", [0, 4, 2], ["w1-posts", "w2-posts", "w3-posts"]),
              charts.Series("Readers", [1, 1, 5], ["w1-readers", "w2-readers", "w3-readers"])]
    root = parse(charts.line_chart(["1 Jan", "8 Jan", "15 Jan"], series, chart_id="w",
                                   title="Weeks", desc="d", first_label="1 Jan",
                                   last_label="15 Jan"))
    assert cells(root) == {"w1-posts": "0", "w2-posts": "4", "w3-posts": "2",
                           "w1-readers": "1", "w2-readers": "1", "w3-readers": "5"}
    lines = list(root.iter(f"{{{NS['s']}}}polyline"))
    assert len(lines) == 2 and lines[1].get("stroke-dasharray")
    points = [point.split(",") for point in lines[1].get("points").split()]
    assert float(points[2][1]) == 14 + 8  # the largest value reaches the top of the plot
    texts = "".join(root.itertext())
    assert "Posts" in texts and "Readers" in texts and "15 Jan" in texts


def test_a_line_chart_of_one_week_draws_its_point_in_the_middle():
    root = parse(charts.line_chart(["1 Jan"], [charts.Series("Posts", [3], ["w1"])],
                                   chart_id="w", title="t", desc="d"))
    [circle] = root.iter(f"{{{NS['s']}}}circle")
    assert circle.get("data-value") == "3"


def network() -> ReplyNetwork:
    def node(pk, name, sent, received, out_, in_, degree):
        return Node(user_id=pk, name=name, role="member", replies_sent=sent,
                    replies_received=received, out_degree=out_, in_degree=in_, cluster=0,
                    degree=degree)
    return ReplyNetwork(
        nodes=[node(1, "Ana", 3, 1, 2, 1, 2), node(2, "Bo", 1, 2, 1, 1, 1),
               node(3, "Cy", 0, 1, 0, 1, 1)],
        edges=[Edge(1, 2, 2), Edge(2, 1, 1), Edge(1, 3, 1)],
        members=5, isolated=2, reciprocity=0.5, clusters=[3])


def test_most_connected_counts_people_either_way_once():
    ranked = charts.most_connected(network(), 2)
    assert [(item.node.name, item.degree) for item in ranked] == [("Ana", 2), ("Bo", 1)]


def test_only_the_edges_between_the_people_drawn_are_drawn():
    ranked = charts.most_connected(network(), 2)  # Ana and Bo
    assert charts.edges_among(network(), ranked) == [
        charts.NetworkEdge(1, 2, 2), charts.NetworkEdge(2, 1, 1)]


def test_the_network_chart_numbers_the_people_and_joins_them():
    ranked = charts.most_connected(network(), 30)
    root = parse(charts.network_chart(
        [charts.NetworkNode(item.node.user_id, index, item.node.name, item.degree,
                            f"node-{item.node.user_id}-degree")
         for index, item in enumerate(ranked, start=1)],
        charts.edges_among(network(), ranked),
        chart_id="n", title="Who replies to whom", desc="d"))
    assert cells(root) == {"node-1-degree": "2", "node-2-degree": "1", "node-3-degree": "1"}
    assert len(list(root.iter(f"{{{NS['s']}}}line"))) == 3
    labels = [text.text for text in root.iter(f"{{{NS['s']}}}text")]
    assert labels == ["1", "2", "3"]


def test_an_empty_chart_says_so():
    root = parse(charts.bar_chart([], chart_id="e", title="t", desc="d", empty="Nothing"))
    assert "Nothing" in "".join(root.itertext())
