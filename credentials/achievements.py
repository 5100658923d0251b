"""What a credential can be earned for, and how each achievement is described.

An achievement is named by a key: "milestone:<code>" for a milestone of the
time model, "competence:<slug>" for one of the five core e-competences. The
descriptions say in words what the learner did, because that is what a
reader outside the platform (a ministry's HR, a partner) has to go on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from competences.models import Competence
from progress.timemodel import MILESTONE_HORIZONS, Milestone

FRAMEWORK_NAME = "The five core e-competences (5Cs) of digital diplomacy"

# What reaching each milestone takes, in the words of the programme.
MILESTONE_NARRATIVES: dict[Milestone, str] = {
    Milestone.ACQUAINTED: (
        "Completed the orientation on the e-tools of digital diplomacy (Twitter/X, "
        "Facebook, YouTube, Flickr, LinkedIn, Pinterest, Instagram, blogs and wikis) "
        "and on how information and communication technology reaches the core of "
        "diplomatic work: the programme's first horizon, one day in its proportion "
        "of 1 : 30 : 365."
    ),
    Milestone.E_LISTENER: (
        "Completed the Curate stage: followed the programme's core resources, kept "
        "a listening log on several distinct days (a habit, not one sitting) and "
        "turned what was heard into sourced digests. This is the programme's second "
        "horizon, one month in its proportion of 1 : 30 : 365."
    ),
    Milestone.ACTIVE: (
        "Completed all five stages of the programme (Curate, Collaborate, "
        "Communicate, Create and Critique), had practice work accepted by a "
        "trainer, and showed a stable following: follower check-ins of a "
        "professional account that held or grew over consecutive months. This is "
        "the programme's full horizon, one year in its proportion of 1 : 30 : 365."
    ),
}

MILESTONE_DESCRIPTIONS: dict[Milestone, str] = {
    Milestone.ACQUAINTED: "Acquainted with the e-tools of digital diplomacy.",
    Milestone.E_LISTENER: "A good e-listener who actively follows the core resources.",
    Milestone.ACTIVE: (
        "An active e-diplomat who contributes online and has developed a stable following."
    ),
}


@dataclass(frozen=True)
class Achievement:
    key: str
    name: str
    description: str
    narrative: str
    # (name, description, anchor) of each competence of the framework it aligns to.
    alignments: tuple[tuple[str, str, str], ...]
    kind: str  # "milestone" or "competence"


def milestone_key(milestone: Milestone | str) -> str:
    return f"milestone:{Milestone(milestone).value}"


def competence_key(slug: str) -> str:
    return f"competence:{slug}"


def all_keys(competences: list[Competence]) -> list[str]:
    """Every achievement that can earn a credential: the platform's default."""
    return [milestone_key(m) for m in Milestone] + [competence_key(c.slug) for c in competences]


def choices(competences: list[Competence]) -> list[tuple[str, str]]:
    return [(milestone_key(m), _("Milestone: %(name)s") % {"name": m.label}) for m in Milestone] + [
        (competence_key(c.slug), _("Competence: %(name)s") % {"name": c.name}) for c in competences
    ]


def milestone_achievement(milestone: Milestone, aligned: list[Competence]) -> Achievement:
    horizon = MILESTONE_HORIZONS[milestone]
    return Achievement(
        key=milestone_key(milestone),
        name=f"{milestone.label}: the {horizon} milestone of digital diplomacy",
        description=MILESTONE_DESCRIPTIONS[milestone],
        narrative=MILESTONE_NARRATIVES[milestone],
        alignments=tuple((c.name, c.tagline, c.slug) for c in aligned),
        kind="milestone",
    )


def competence_achievement(competence: Competence) -> Achievement:
    outcomes = [outcome.text for outcome in competence.outcomes.all()]
    narrative = (
        f"Completed every activity of the {competence.name} stage of the programme, "
        f"competence {competence.order} of 5 ({competence.tagline.lower()}), "
        "and so demonstrated its observable outcomes:\n"
        + "\n".join(f"- {text}" for text in outcomes)
    )
    return Achievement(
        key=competence_key(competence.slug),
        name=f"{competence.name}: {competence.tagline}",
        description=competence.description,
        narrative=narrative,
        alignments=((competence.name, competence.tagline, competence.slug),),
        kind="competence",
    )
