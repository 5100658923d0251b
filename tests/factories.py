"""factory_boy factories for people and organisations, and one way to make a
cohort with learners."""

import datetime
from typing import NamedTuple

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from progress import services
from progress.models import Cohort, Enrolment

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@ministry.example")
    display_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        # Users in tests can log in unless a test says otherwise.
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Ministry of Foreign Affairs {n}")
    slug = factory.Sequence(lambda n: f"ministry-{n}")
    country = factory.Faker("country")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.TRAINEE


class CohortWithLearners(NamedTuple):
    cohort: Cohort
    trainer: User
    learners: list[Enrolment]


def enrol(cohort: Cohort, who: User | str, name: str = "", **enrolment) -> Enrolment:
    """Enrols `who` in the cohort, on the cohort's dates unless told otherwise.

    An address becomes a new trainee of the cohort's organisation, named `name`
    or after the address; a user is enrolled as they are.
    """
    if isinstance(who, str):
        user = UserFactory(email=who, display_name=name or who.split("@")[0].title())
        MembershipFactory(user=user, organisation=cohort.organisation, role=Membership.Role.TRAINEE)
    else:
        user = who
    enrolment.setdefault("started_at", cohort.starts_at)
    enrolment.setdefault("length_days", cohort.length_days)
    return services.enrolment_create(
        user=user, programme=cohort.programme, cohort=cohort, **enrolment
    )


def cohort_with_learners(
    learners: int = 3,
    *,
    organisation: Organisation | None = None,
    trainer: User | None = None,
    programme=None,
    name: str = "Spring cohort",
    starts_on: datetime.date | None = None,
    length_days: int = 365,
    by: User | None = None,
) -> CohortWithLearners:
    """A cohort, made as a trainer makes one, with `learners` trainees enrolled.

    What is not given is made: an organisation, a trainer in it, the shipped
    programme; the cohort starts today unless `starts_on` says otherwise.
    """
    from curriculum.selectors import programme_default

    organisation = organisation or OrganisationFactory()
    if trainer is None:
        trainer = MembershipFactory(organisation=organisation, role=Membership.Role.TRAINER).user
    cohort = services.cohort_create(
        organisation=organisation,
        programme=programme or programme_default(),
        name=name,
        starts_on=starts_on or timezone.now().date(),
        length_days=length_days,
        trainers=[trainer],
        by=by,
    )
    enrolled = [
        enrol(cohort, f"learner{number}.cohort{cohort.pk}@mfa.example", f"Learner {number:03}")
        for number in range(1, learners + 1)
    ]
    return CohortWithLearners(cohort, trainer, enrolled)
