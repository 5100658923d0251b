"""What the API says about each thing: the shapes of /api/v1/."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Membership, Organisation
from competences.models import Standing
from progress.models import MILESTONE_FIELDS, SNAPSHOT_CHOICES, Cohort, Completion, Enrolment

# The time model's statuses (a pace), as the API names them: blank before the
# first assessment.
SNAPSHOT_CODES = [code for code, _ in SNAPSHOT_CHOICES if code]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "country", "created_at"]


class PersonSerializer(serializers.ModelSerializer):
    """A membership: one person's role in the organisation."""

    user_id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    active = serializers.BooleanField(source="user.is_active", read_only=True)
    since = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user_id", "email", "name", "role", "active", "since"]


class PersonInviteSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InvitationSerializer(serializers.Serializer):
    """An invitation to take a role: the person has it once they accept."""

    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    status = serializers.CharField()
    sent_at = serializers.DateTimeField()


class PersonRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class CohortSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "programme", "starts_on", "length_days", "archived", "created_at"]


class CohortCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    length_days = serializers.IntegerField(min_value=1, max_value=3650, default=365)
    trainers = serializers.ListField(
        child=serializers.EmailField(),
        default=list,
        max_length=50,
        help_text=_("E-mail addresses of the organisation's trainers or administrators."),
    )

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("Give the cohort a name."))
        return value


class CohortUpdateSerializer(serializers.Serializer):
    """A change to a cohort: only the fields given change."""

    name = serializers.CharField(max_length=200, required=False)
    starts_on = serializers.DateField(required=False)
    length_days = serializers.IntegerField(min_value=1, max_value=3650, required=False)
    trainers = serializers.ListField(
        child=serializers.EmailField(),
        required=False,
        max_length=50,
        help_text=_("E-mail addresses of the organisation's trainers or administrators."),
    )
    archived = serializers.BooleanField(required=False)

    def validate_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("Give the cohort a name."))
        return value


class CohortUpdateResultSerializer(CohortSerializer):
    learners_moved = serializers.IntegerField(
        read_only=True, help_text="How many learners' due dates a new start or length moved."
    )

    class Meta(CohortSerializer.Meta):
        fields = [*CohortSerializer.Meta.fields, "learners_moved"]


class LearnerRowSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    language = serializers.ChoiceField(
        choices=[code for code, _ in settings.LANGUAGES],
        required=False,
        help_text=_("The language of the invitation e-mail; the site's own when not given."),
    )


class AddLearnersSerializer(serializers.Serializer):
    learners = serializers.ListField(child=LearnerRowSerializer(), min_length=1, max_length=2000)


class AddLearnersResultSerializer(serializers.Serializer):
    enrolled = serializers.ListField(child=serializers.EmailField())
    restored = serializers.ListField(child=serializers.EmailField())
    invited = serializers.ListField(child=serializers.EmailField())


class LearnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField(source="get_full_name")


class MilestoneSerializer(serializers.Serializer):
    milestone = serializers.CharField()
    status = serializers.ChoiceField(choices=SNAPSHOT_CODES, allow_blank=True)
    achieved_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)


class EnrolmentSerializer(serializers.ModelSerializer):
    learner = LearnerSerializer(source="user")
    cohort = serializers.IntegerField(source="cohort_id")
    programme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    pace = serializers.ChoiceField(choices=SNAPSHOT_CODES, allow_blank=True)
    milestones = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "learner",
            "cohort",
            "programme",
            "status",
            "started_at",
            "length_days",
            "completed_at",
            "last_activity_at",
            "pace",
            "milestones",
        ]

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, enrolment) -> list[dict]:
        # `achievements` is prefetched by the view: no query per enrolment.
        achieved = {a.milestone: a for a in enrolment.achievements.all()}
        rows = []
        for milestone, column in MILESTONE_FIELDS.items():
            achievement = achieved.get(milestone.value)
            rows.append(
                {
                    "milestone": milestone.value,
                    "status": getattr(enrolment, column),
                    "achieved_at": achievement.achieved_at if achievement else None,
                    "on_time": achievement.on_time if achievement else None,
                }
            )
        return MilestoneSerializer(rows, many=True).data


class CompetenceProgressSerializer(serializers.Serializer):
    competence = serializers.SlugField()
    name = serializers.CharField()
    completed = serializers.IntegerField(help_text=_("Activities of the competence completed."))
    total = serializers.IntegerField(help_text=_("Live activities of the competence."))
    state = serializers.ChoiceField(choices=Standing.State.values)


class CompletionSerializer(serializers.ModelSerializer):
    enrolment = serializers.IntegerField(source="enrolment_id")
    activity = serializers.SlugField(source="activity.slug")
    activity_title = serializers.CharField(source="activity.title")
    competence = serializers.SlugField(
        source="activity.module.stage.competence.slug", allow_null=True, default=None
    )

    class Meta:
        model = Completion
        fields = ["id", "enrolment", "activity", "activity_title", "competence", "completed_at"]


class ReportSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()
    status = serializers.DictField(child=serializers.IntegerField())
    pace = serializers.DictField(child=serializers.IntegerField())
    milestones = serializers.DictField(child=serializers.DictField())
    competences = serializers.DictField(child=serializers.IntegerField())
    cohorts = serializers.ListField(child=serializers.DictField())


class ReportQuerySerializer(serializers.Serializer):
    cohort = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    started_from = serializers.DateField(required=False)
    started_to = serializers.DateField(required=False)
