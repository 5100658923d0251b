import django_filters

from progress.models import SNAPSHOT_CHOICES, Cohort, Completion, Enrolment

# The largest id a database column holds: a bigger number names nothing, and
# must be refused as such rather than overflow the query.
MAX_ID = 2**63 - 1


def id_filter(field_name: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(field_name=field_name, min_value=1, max_value=MAX_ID)


class CohortFilter(django_filters.FilterSet):
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True
    )
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = Cohort
        fields = ["archived", "starts_after", "starts_before"]


class EnrolmentFilter(django_filters.FilterSet):
    cohort = id_filter("cohort_id")
    status = django_filters.ChoiceFilter(choices=Enrolment.Status.choices)
    pace = django_filters.ChoiceFilter(choices=SNAPSHOT_CHOICES[1:])
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")
    started_before = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="lte")
    email = django_filters.CharFilter(field_name="user__email", lookup_expr="iexact")

    class Meta:
        model = Enrolment
        fields = ["cohort", "status", "pace", "started_after", "started_before", "email"]


class CompletionFilter(django_filters.FilterSet):
    enrolment = id_filter("enrolment_id")
    cohort = id_filter("enrolment__cohort_id")
    competence = django_filters.CharFilter(field_name="activity__module__stage__competence__slug")
    completed_after = django_filters.IsoDateTimeFilter(field_name="completed_at", lookup_expr="gte")
    completed_before = django_filters.IsoDateTimeFilter(
        field_name="completed_at", lookup_expr="lte"
    )

    class Meta:
        model = Completion
        fields = ["enrolment", "cohort", "competence", "completed_after", "completed_before"]
