"""/api/v1/: thin views over the access module, the selectors and the services.

Every read starts from `accounts.access` with the token's roles, so a token
sees its organisation only and anything else answers 404; every write calls
the service the pages call, in one transaction with its audit line.
"""

from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.invitations import organisation_invite
from accounts.models import Membership, Organisation
from accounts.services import MembershipError, membership_change
from api import idempotency
from api import services as api_services
from api.v1 import filters, serializers
from competences.models import Competence, Standing
from curriculum.models import Activity
from curriculum.selectors import programme_default
from progress import services
from progress.models import Cohort, Completion, Enrolment, MilestoneAchievement
from reports.selectors import Filters, report_figures


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class TokenViewMixin:
    @property
    def token(self):
        return self.request.auth

    def reach(self) -> dict:
        """The arguments every access function takes: the token's reach."""
        return {"user": self.request.user, "roles": self.token.roles}

    def given(self, serializer_class) -> dict:
        """The request's body, validated by `serializer_class` (a problem naming
        each bad field otherwise)."""
        given = serializer_class(data=self.request.data)
        given.is_valid(raise_exception=True)
        return given.validated_data

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is being drawn
            return self.model.objects.none()
        return self.reached()


class OrganisationViewSet(TokenViewMixin, viewsets.ReadOnlyModelViewSet):
    """The token's organisation (a list of one)."""

    serializer_class = serializers.OrganisationSerializer
    model = Organisation
    lookup_field = "slug"
    pagination_class = None

    def reached(self):
        return access.organisations_managed(**self.reach())


class PersonViewSet(TokenViewMixin, viewsets.ReadOnlyModelViewSet):
    """The organisation's people and their roles; invite someone, change a
    role, remove someone (their account and learning record stay)."""

    serializer_class = serializers.PersonSerializer
    model = Membership
    filterset_fields = ["role"]
    lookup_value_regex = r"[0-9]{1,18}"

    def reached(self):
        return access.organisation_members(**self.reach(), organisation=self.token.organisation)

    @extend_schema(
        request=serializers.PersonInviteSerializer,
        responses={202: serializers.InvitationSerializer},
        parameters=[idempotency.PARAMETER],
        description=(
            "Invites an address to take a role, as the people page does: the same "
            "answer whether or not someone uses it; they take the role once they accept. "
            "A pending invitation to the address is updated instead."
        ),
    )
    def create(self, request, *args, **kwargs):
        return idempotency.idempotent(request, lambda: self._invite(request))

    def _invite(self, request):
        data = self.given(serializers.PersonInviteSerializer)
        with transaction.atomic():
            invitation = organisation_invite(
                organisation=self.token.organisation,
                email=data["email"],
                role=data["role"],
                by=request.user,
            )
            api_services.api_write_record(
                token=self.token,
                action="membership.invite",
                target=invitation.email,
                role=invitation.role,
            )
        return Response(
            serializers.InvitationSerializer(invitation).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        request=serializers.PersonRoleSerializer,
        responses={200: serializers.PersonSerializer},
        description=(
            "Changes the person's role. Whoever stops training leaves the organisation's "
            "cohorts' trainer lists; the last administrator cannot be demoted (409)."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        self._change(membership, role=self.given(serializers.PersonRoleSerializer)["role"])
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=None,
        responses={204: None},
        description=(
            "Removes the person from the organisation; their account and learning record "
            "stay. The last administrator cannot be removed (409)."
        ),
    )
    def destroy(self, request, *args, **kwargs):
        self._change(self.get_object(), role=None)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _change(self, membership: Membership, *, role: str | None) -> None:
        with transaction.atomic():
            try:
                membership_change(
                    organisation=self.token.organisation,
                    user=membership.user,
                    role=role,
                    by=self.request.user,
                )
            except MembershipError as error:
                raise Conflict(str(error)) from None
            api_services.api_write_record(
                token=self.token,
                action="membership.remove" if role is None else "membership.role",
                target=membership.user.email,
                role=role or "",
                previous=membership.role,
            )


class CohortViewSet(TokenViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The organisation's cohorts; create one, change or archive one, add
    learners by e-mail."""

    serializer_class = serializers.CohortSerializer
    model = Cohort
    filterset_class = filters.CohortFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def reached(self):
        return access.cohorts_visible(**self.reach())

    @extend_schema(
        request=serializers.CohortCreateSerializer,
        responses={201: serializers.CohortSerializer},
        parameters=[idempotency.PARAMETER],
    )
    def create(self, request, *args, **kwargs):
        return idempotency.idempotent(request, lambda: self._create(request))

    def _create(self, request):
        data = self.given(serializers.CohortCreateSerializer)
        organisation = self.token.organisation
        trainers = self._trainers(data["trainers"])
        programme = programme_default()
        with transaction.atomic():
            try:
                cohort = services.cohort_create(
                    organisation=organisation,
                    programme=programme,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    length_days=data["length_days"],
                    trainers=trainers,
                    by=request.user,
                )
            except services.CohortError as error:
                raise Conflict(str(error)) from None
            api_services.api_write_record(
                token=self.token, action="cohort.create", target=cohort.name, cohort=cohort.pk
            )
        cohort = access.cohort_visible(**self.reach(), pk=cohort.pk)
        return Response(serializers.CohortSerializer(cohort).data, status=status.HTTP_201_CREATED)

    def _trainers(self, emails: list[str]) -> list:
        """The organisation's trainers or administrators at these addresses, in
        their order; any other address is a validation problem."""
        eligible = {
            user.email.lower(): user
            for user in access.trainers_eligible(organisations=[self.token.organisation_id])
        }
        unknown = [email for email in emails if email.lower() not in eligible]
        if unknown:
            raise exceptions.ValidationError(
                {"trainers": [_("Not a trainer of this organisation: %s") % ", ".join(unknown)]}
            )
        return [eligible[email.lower()] for email in emails]

    @extend_schema(
        request=serializers.CohortUpdateSerializer,
        responses={200: serializers.CohortUpdateResultSerializer},
        parameters=[idempotency.PARAMETER],
        description=(
            "Changes a cohort as its edit page does; only the fields given change. A new "
            "start or length moves every learner's due dates, each keeping its offset "
            "(`learners_moved` says how many). `archived` archives the cohort or brings "
            "it back."
        ),
    )
    def partial_update(self, request, *args, **kwargs):
        return idempotency.idempotent(request, lambda: self._update(request))

    def _update(self, request):
        cohort = self.get_object()
        data = self.given(serializers.CohortUpdateSerializer)
        trainers = (
            self._trainers(data["trainers"]) if "trainers" in data else list(cohort.trainers.all())
        )
        moved = 0
        with transaction.atomic():
            if data.keys() - {"archived"}:
                try:
                    moved = services.cohort_update(
                        cohort=cohort,
                        name=data.get("name", cohort.name),
                        starts_on=data.get("starts_on", cohort.starts_on),
                        length_days=data.get("length_days", cohort.length_days),
                        trainers=trainers,
                        by=request.user,
                    )
                except services.CohortError as error:
                    raise Conflict(str(error)) from None
            if "archived" in data and data["archived"] != cohort.is_archived:
                services.cohort_archive(cohort=cohort, archived=data["archived"], by=request.user)
            api_services.api_write_record(
                token=self.token,
                action="cohort.update",
                target=data.get("name", cohort.name),
                cohort=cohort.pk,
                fields=", ".join(sorted(data)),
                learners_moved=moved,
            )
        cohort = access.cohort_visible(**self.reach(), pk=cohort.pk)
        cohort.learners_moved = moved
        return Response(serializers.CohortUpdateResultSerializer(cohort).data)

    @extend_schema(
        methods=["GET"],
        responses=serializers.EnrolmentSerializer(many=True),
        filters=False,
        description="The cohort's learners (its enrolments).",
    )
    @extend_schema(
        methods=["POST"],
        parameters=[idempotency.PARAMETER],
        request=serializers.AddLearnersSerializer,
        responses={200: serializers.AddLearnersResultSerializer},
        description=(
            "Adds learners by e-mail: members of the organisation are enrolled, "
            "everyone else is invited (they join when they accept)."
        ),
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def learners(self, request, pk=None):
        cohort = access.cohort_visible(**self.reach(), pk=self._pk(pk))
        if request.method == "GET":
            enrolments = EnrolmentViewSet.with_related(
                access.enrolments_visible(**self.reach()).filter(cohort=cohort)
            )
            page = self.paginate_queryset(enrolments)
            return self.get_paginated_response(
                serializers.EnrolmentSerializer(page, many=True).data
            )
        if not self.token.can_write:
            raise exceptions.PermissionDenied()
        return idempotency.idempotent(request, lambda: self._add_learners(request, cohort))

    def _add_learners(self, request, cohort):
        given = self.given(serializers.AddLearnersSerializer)
        rows = [
            services.LearnerRow(line, row["email"], row.get("name", ""), row.get("language", ""))
            for line, row in enumerate(given["learners"], start=1)
        ]
        _, problems = services.learner_rows_check(cohort=cohort, rows=rows)
        if problems:
            raise exceptions.ValidationError(
                {f"learners[{p.line - 1}].email": [p.reason] for p in problems if p.line}
                or {"learners": [str(p) for p in problems]}
            )
        with transaction.atomic():
            try:
                result = services.cohort_add_learners(cohort=cohort, rows=rows, by=request.user)
            except services.CohortError as error:
                raise Conflict(str(error)) from None
            api_services.api_write_record(
                token=self.token,
                action="cohort.add_learners",
                target=cohort.name,
                cohort=cohort.pk,
                enrolled=len(result.enrolled) + len(result.restored),
                invited=len(result.invited),
            )
        return Response(
            {
                "enrolled": [user.email for user in result.enrolled],
                "restored": [user.email for user in result.restored],
                "invited": [invitation.email for invitation in result.invited],
            }
        )

    @staticmethod
    def _pk(value) -> int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise exceptions.NotFound() from None


class EnrolmentViewSet(TokenViewMixin, viewsets.ReadOnlyModelViewSet):
    """Learners' enrolments with their pace and milestones; withdraw one."""

    serializer_class = serializers.EnrolmentSerializer
    model = Enrolment
    filterset_class = filters.EnrolmentFilter
    lookup_value_regex = r"[0-9]{1,18}"

    @staticmethod
    def with_related(enrolments):
        return enrolments.select_related("user", "programme").prefetch_related(
            Prefetch("achievements", MilestoneAchievement.objects.order_by())
        )

    def reached(self):
        return self.with_related(access.enrolments_visible(**self.reach()))

    @extend_schema(
        request=None,
        responses={200: serializers.EnrolmentSerializer},
        parameters=[idempotency.PARAMETER],
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        """Takes the learner out of the cohort; their work stays."""
        return idempotency.idempotent(request, lambda: self._withdraw(request))

    def _withdraw(self, request):
        enrolment = self.get_object()
        with transaction.atomic():
            try:
                services.enrolment_withdraw(enrolment=enrolment, by=request.user)
            except services.CohortError as error:
                raise Conflict(str(error)) from None
            api_services.api_write_record(
                token=self.token,
                action="enrolment.withdraw",
                target=enrolment.user.email,
                enrolment=enrolment.pk,
            )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses=serializers.CompetenceProgressSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def competences(self, request, pk=None):
        """Completions per competence: four queries whatever the programme."""
        enrolment = self.get_object()
        completed = dict(
            enrolment.completions.filter(activity__module__stage__competence__isnull=False)
            .order_by()
            .values_list("activity__module__stage__competence")
            .annotate(n=Count("pk"))
        )
        totals = dict(
            Activity.objects.live()
            .filter(module__stage__programme=enrolment.programme_id)
            .order_by()
            .values_list("module__stage__competence")
            .annotate(n=Count("pk"))
        )
        states = dict(
            Standing.objects.filter(user=enrolment.user_id).values_list("competence_id", "state")
        )
        rows = [
            {
                "competence": competence.slug,
                "name": competence.name,
                "completed": completed.get(competence.pk, 0),
                "total": totals.get(competence.pk, 0),
                "state": states.get(competence.pk, Standing.State.NOT_STARTED),
            }
            for competence in Competence.objects.order_by("order")
        ]
        return Response(serializers.CompetenceProgressSerializer(rows, many=True).data)


class CompletionViewSet(TokenViewMixin, viewsets.ReadOnlyModelViewSet):
    """Activities completed, each with its competence."""

    serializer_class = serializers.CompletionSerializer
    model = Completion
    filterset_class = filters.CompletionFilter
    lookup_value_regex = r"[0-9]{1,18}"

    def reached(self):
        return access.completions_visible(**self.reach()).select_related(
            "activity__module__stage__competence"
        )


class ReportView(TokenViewMixin, APIView):
    """The completion report's figures for the organisation, as its report page counts them."""

    @extend_schema(
        parameters=[
            OpenApiParameter("cohort", int, description="One cohort only."),
            OpenApiParameter("started_from", OpenApiTypes.DATE),
            OpenApiParameter("started_to", OpenApiTypes.DATE),
        ],
        responses=serializers.ReportSerializer,
    )
    def get(self, request):
        query = serializers.ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        enrolments = Filters(**query.validated_data).apply(
            access.enrolments_visible(**self.reach())
        )
        headline, cohorts = report_figures(enrolments)
        rows = [
            {
                "cohort": row["cohort_id"],
                "name": row["cohort__name"],
                **{k: v for k, v in row.items() if not k.startswith("cohort_") and "__" not in k},
            }
            for row in cohorts
        ]
        return Response(headline.as_json() | {"cohorts": rows})
