"""The sandbox's feed behaves like a social platform: accounts join the list
as they appear, addresses show their cards, the learner likes and shares, and
hashtags and mentions stand out."""

import re
import uuid

import pytest
from django.urls import reverse

from sandbox import services
from tests.factories import cohort_with_learners

pytestmark = pytest.mark.django_db

REGISTER = "https://nordavia-mfa.example/register"


@pytest.fixture
def played(client, scenarios, scenario_clock):
    """A learner of a cohort in the consular scenario, started at minute 0."""
    group = cohort_with_learners(1)
    enrolment = group.learners[0]
    run = services.run_start(
        learner=enrolment.user,
        scenario=scenarios["consular-earthquake"],
        enrolment=enrolment,
        now=scenario_clock.at(0),
    )
    client.force_login(enrolment.user)
    return run, group


def act(client, run, form, **data):
    data.setdefault("token", uuid.uuid4().hex)
    return client.post(reverse("sandbox:act", args=[run.pk]), {"form": form, **data})


def page(client, run, **params):
    response = client.get(reverse("sandbox:run", args=[run.pk]), params)
    assert response.status_code == 200
    return response


def listed(response) -> list[str]:
    """The handles in the page's list of accounts, in its order."""
    accounts = response.content.decode().split('class="sim-accounts"')[1].split("</ul>")[0]
    return re.findall(r'<span class="sim-handle">(@\w+)</span>', accounts)


def article(response, item_id: str) -> str:
    return response.content.decode().split(f'id="item-{item_id}"')[1].split("</article>")[0]


def test_accounts_join_the_list_as_they_appear_and_a_replay_shows_them_as_they_were(
    client, played, scenario_clock
):
    run, group = played
    scenario_clock.at(1)
    first = page(client, run)

    # The approver is known from the start; the agency posted at minute 0.
    assert listed(first) == ["@DeputyHoM_Nordavia", "@MeridiaCivilProt"]
    dm_choices = first.context["message_form"].fields["target"].choices
    assert [handle for handle, _ in dm_choices] == ["@DeputyHoM_Nordavia", "@MeridiaCivilProt"]
    assert "NordaviaEmbassyHelp" not in first.content.decode()

    scenario_clock.at(16)
    assert listed(page(client, run)) == [
        "@DeputyHoM_Nordavia",
        "@MeridiaCivilProt",
        "@ana_travels_sim",
        "@tomas_k_sim",
        "@NordaviaEmbassyHelp",
        "@quake_truth_99",
    ]

    client.force_login(group.trainer)
    assert listed(page(client, run, at=9)) == [
        "@DeputyHoM_Nordavia",
        "@MeridiaCivilProt",
        "@ana_travels_sim",
        "@tomas_k_sim",
    ]


def test_an_account_not_yet_met_cannot_be_reported_nor_messaged(client, played, scenario_clock):
    run, _ = played
    scenario_clock.at(5)

    reported = act(client, run, "target", kind="report", target="@NordaviaEmbassyHelp")
    shown = client.get(reported.url).content.decode()
    messaged = act(client, run, "message", target="@NordaviaEmbassyHelp", text="Who are you?")

    assert "That account has not appeared in your timeline yet." in shown
    assert messaged.status_code == 400
    assert "Select a valid choice" in messaged.content.decode()
    run.refresh_from_db()
    assert run.log == []

    scenario_clock.at(12.5)
    act(client, run, "target", kind="report", target="@NordaviaEmbassyHelp")
    run.refresh_from_db()
    assert [(entry["kind"], entry["at"]) for entry in run.log] == [("report", 12.5)]


def test_an_address_shows_its_card_and_an_unknown_one_its_domain(client, played, scenario_clock):
    run, _ = played
    scenario_clock.at(2)
    act(client, run, "compose", when="post", text=f"Register at {REGISTER}.")
    act(client, run, "compose", when="post", text="Flights: http://seats-now.example/book?x=1")
    act(client, run, "compose", when="post", text="Stay safe, stay away from damaged buildings.")

    response = page(client, run)

    declared = article(response, "me-1")
    assert "Register as a Nordavian abroad" in declared
    assert "consular staff can reach you" in declared
    assert '<p class="sim-card-domain"><span class="visually-hidden">Link preview: </span>' in (
        declared
    )
    plain = article(response, "me-2")
    assert "seats-now.example</p>" in plain and "sim-card-title" not in plain
    # The agency's scripted alert links its own site: its card comes from the file.
    assert "Meridia Civil Protection Agency</p>" in article(response, "quake-alert")
    assert "sim-card" not in article(response, "me-3")  # no address, no card


def test_a_like_counts_once_shows_pressed_and_can_be_taken_back(client, played, scenario_clock):
    run, _ = played
    scenario_clock.at(4)

    liked = act(client, run, "target", kind="like", target="ana-question", token="like-1")
    act(client, run, "target", kind="like", target="ana-question", token="like-1")  # a retry

    assert liked.url.endswith("#item-ana-question")
    run.refresh_from_db()
    assert run.log == [{"kind": "like", "at": 4.0, "target": "ana-question", "token": "like-1"}]
    ana = article(page(client, run), "ana-question")
    assert "42 likes · 12 shares" in ana
    assert re.search(r'value="unlike"[^>]*aria-pressed="true"', ana)
    assert 'aria-label="Like the post by @ana_travels_sim"' in ana

    again = act(client, run, "target", kind="like", target="ana-question")
    assert "You have already liked that post." in client.get(again.url).content.decode()
    scenario_clock.at(6)
    act(client, run, "target", kind="unlike", target="ana-question")
    ana = article(page(client, run), "ana-question")
    assert "41 likes · 12 shares" in ana
    assert re.search(r'value="like"[^>]*aria-pressed="false"', ana)

    # The debrief names each like by the post's author, at its minute.
    client.post(reverse("sandbox:submit", args=[run.pk]))
    debrief = client.get(reverse("sandbox:debrief", args=[run.pk])).content.decode()
    assert "T+0:04</span> <strong>Liked a post by</strong> @ana_travels_sim" in debrief
    assert "<strong>Took back the like of a post by</strong> @ana_travels_sim" in debrief


def test_a_shared_post_appears_as_the_learners_share_until_unshared(client, played, scenario_clock):
    run, _ = played
    scenario_clock.at(3)
    act(client, run, "target", kind="share", target="quake-alert")

    response = page(client, run)
    timeline = response.context["timeline"]

    share = timeline.entries[0]
    assert (share.share.id, share.item.id) == ("me-1", "quake-alert")
    shared = article(response, "me-1")
    assert "@NordaviaInMeridia shared" in shared and "Magnitude 6.8" in shared
    assert '<p class="sim-counts muted">2,401 shares</p>' in shared  # no "0 likes"
    assert 'value="unshare"' in shared
    assert "Magnitude 6.8" in article(response, "quake-alert")  # the original stays where it was

    scenario_clock.at(5)
    act(client, run, "target", kind="unshare", target="quake-alert")
    after = page(client, run)
    assert 'id="item-me-1"' not in after.content.decode()
    assert "2,400 shares" in article(after, "quake-alert")
    run.refresh_from_db()
    assert [(e["kind"], e["at"]) for e in run.log] == [("share", 3.0), ("unshare", 5.0)]
    # A share is not a post to answer: replying goes to the post it shares.
    act(client, run, "target", kind="share", target="quake-alert")
    assert page(client, run, reply="me-3").context["reply_target"] is None


def test_hashtags_and_mentions_are_styled_and_a_met_account_is_linked(
    client, played, scenario_clock
):
    run, _ = played
    scenario_clock.at(5)
    act(
        client,
        run,
        "compose",
        when="post",
        text="#PortSelva: @ana_travels_sim please call us; beware of @NordaviaEmbassyHelp.",
    )

    mine = article(page(client, run), "me-1")

    assert '<span class="sim-hashtag">#PortSelva</span>:' in mine
    assert '<a class="sim-mention" href="#account-ana_travels_sim">@ana_travels_sim</a>' in mine
    # Not met yet at minute 5: styled, but there is no entry to link to.
    assert '<span class="sim-mention">@NordaviaEmbassyHelp</span>.' in mine
    scenario_clock.at(13)
    later = article(page(client, run), "me-1")
    assert 'href="#account-NordaviaEmbassyHelp"' in later


def post_updates(client, run, scenario_clock, count: int) -> None:
    """The learner posts `count` updates, a scenario minute apart from minute
    2; the clock then stands at minute 8."""
    for number in range(count):
        scenario_clock.at(2 + number)
        act(client, run, "compose", when="post", text=f"Update {number}: the consulate is open.")
    scenario_clock.at(8)


def feed_ids(response) -> list[str]:
    feed = response.content.decode().split('id="feed"')[1].split("</section>")[0]
    return re.findall(r'<article class="sim-post[^"]*" id="item-([^"]+)"', feed)


def test_the_feed_draws_the_newest_posts_and_the_older_on_request(
    client, played, scenario_clock, monkeypatch
):
    from sandbox import views

    monkeypatch.setattr(views, "FEED_SHOWN", 3)
    run, _group = played
    post_updates(client, run, scenario_clock, 5)

    newest = page(client, run)
    everything = page(client, run, older="1")

    all_ids = feed_ids(everything)
    assert len(all_ids) >= 5
    assert feed_ids(newest) == all_ids[:3]
    hidden = len(all_ids) - 3
    link = f'href="?older=1#item-{all_ids[3]}"'
    assert link in newest.content.decode()
    assert f"Show {hidden} older posts" in newest.content.decode()
    assert "older posts" not in everything.content.decode()
    # The live region and its "new posts" link keep the older posts shown.
    status = everything.content.decode().split('id="sim-status"')[1].split(">")[0]
    assert "&amp;older=1" in status
    swap = client.get(reverse("sandbox:feed", args=[run.pk]), {"older": "1"})
    assert feed_ids(swap) == all_ids


def test_a_replay_keeps_its_minute_when_the_older_posts_are_asked_for(
    client, played, scenario_clock, monkeypatch
):
    from sandbox import views

    monkeypatch.setattr(views, "FEED_SHOWN", 1)
    run, group = played
    post_updates(client, run, scenario_clock, 3)
    client.force_login(group.trainer)

    replay = page(client, run, at="6")

    assert 'href="?at=6&amp;older=1#item-' in replay.content.decode()
