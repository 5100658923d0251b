"""Completion reports for administrators and trainers: on screen, as CSV, as JSON."""

import csv
import statistics

from django.conf import settings
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from accounts import access
from accounts.services import audit_record
from curriculum.models import RubricLevel
from ediplomacy.lib.ids import parse_id
from progress.views.trainer import trainer_required
from reports import charts
from reports.columns import learner_columns, learner_totals, learner_values
from reports.forms import ReportFilterForm
from reports.selectors import (
    Filters,
    criterion_results_by_cohort,
    criterion_totals,
    learner_page,
    learner_rows,
    organisation_rates,
    report_figures,
    report_headline,
)

# Stable column names: documented in the README, relied on by spreadsheets.
CSV_COLUMNS = [
    "email",
    "display_name",
    "organisation",
    "cohort",
    "started_at",
    "length_days",
    "status",
    "pace",
    "acquainted",
    "e_listener",
    "active_e_diplomat",
    "last_activity_at",
]
# Rubric results per cohort: stable too, for the same reason.
CRITERIA_CSV_COLUMNS = ["cohort", "activity", "criterion", "not_yet", "meets", "exceeds"]
# ?headers=translated: the same columns, headed in the reader's language for a
# person opening the file in a spreadsheet; programs keep the names above.
CSV_HEADINGS = {
    "email": pgettext_lazy("CSV heading", "E-mail address"),
    "display_name": pgettext_lazy("CSV heading", "Name"),
    "organisation": pgettext_lazy("CSV heading", "Organisation"),
    "cohort": pgettext_lazy("CSV heading", "Cohort"),
    "started_at": pgettext_lazy("CSV heading", "Started"),
    "length_days": pgettext_lazy("CSV heading", "Programme length (days)"),
    "status": pgettext_lazy("CSV heading", "Status"),
    "pace": pgettext_lazy("CSV heading", "Pace"),
    "acquainted": pgettext_lazy("CSV heading", "Acquainted"),
    "e_listener": pgettext_lazy("CSV heading", "e-Listener"),
    "active_e_diplomat": pgettext_lazy("CSV heading", "Active e-diplomat"),
    "last_activity_at": pgettext_lazy("CSV heading", "Last activity"),
    "activity": pgettext_lazy("CSV heading", "Task"),
    "criterion": pgettext_lazy("CSV heading", "Criterion"),
    "not_yet": pgettext_lazy("CSV heading", "Not yet"),
    "meets": pgettext_lazy("CSV heading", "Meets"),
    "exceeds": pgettext_lazy("CSV heading", "Exceeds"),
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How many cohorts the comparison table and its chart show (the page says so).
COMPARED_COHORTS = 100
CHARTED_COHORTS = 20
# Lines per write: one write per row would spend half the export in the server's writes.
CSV_LINES_PER_CHUNK = 1000


def learner_csv_columns() -> list[str]:
    """The learners CSV's columns: this app's, then those other apps registered
    (`reports.columns`), e.g. the peer reviews of `discussions`."""
    return CSV_COLUMNS + [column.name for column in learner_columns()]


def _headings(request, columns: list[str]) -> list[str]:
    """The CSV's first row: machine names, or with ?headers=translated the reader's words."""
    if request.GET.get("headers") == "translated":
        registered = {column.name: column.heading for column in learner_columns()}
        return [str(CSV_HEADINGS.get(column) or registered[column]) for column in columns]
    return columns


def _filtered(request):
    """The filter form and, when it is valid, the filtered enrolments."""
    organisations = list(access.organisations_reported(user=request.user, roles=request.roles))
    chosen = parse_id(request.GET.get("organisation"))
    cohorts = access.cohorts_visible(
        user=request.user, roles=request.roles, organisation_id=chosen
    ).order_by("name")
    form = ReportFilterForm(
        request.GET or None,
        organisations=organisations,
        cohorts=list(cohorts.values_list("pk", "name")),
    )
    if form.is_bound and not form.is_valid():
        return form, None, organisations
    data = dict(form.cleaned_data) if form.is_bound else {}
    scope = access.enrolments_visible(
        user=request.user, roles=request.roles, organisation_id=data.pop("organisation", None)
    )
    filters = Filters(**{key: value for key, value in data.items() if value not in (None, "")})
    return form, filters.apply(scope), organisations


@trainer_required
def report(request):
    form, enrolments, organisations = _filtered(request)
    context = {"form": form, "organisations": organisations}
    if enrolments is None:
        return render(request, "reports/report.html", context, status=400)
    headline, every_cohort = report_figures(enrolments)
    comparison = every_cohort[:COMPARED_COHORTS]
    page = learner_page(enrolments, request.GET.get("page"))
    # The registered columns' values for the page's rows only.
    extra = learner_values([enrolment.pk for enrolment in page.object_list])
    for enrolment in page.object_list:
        enrolment.extra_values = extra[enrolment.pk]
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        headline=headline,
        comparison=comparison,
        cohort_total=len(every_cohort),
        charted_cohorts=CHARTED_COHORTS,
        page=page,
        learner_columns=learner_columns(),
        query=query.urlencode(),
        funnel=charts.funnel(headline),
        funnel_height=charts.chart_height(4),
        pace_bars=charts.stacked_pace_bars(comparison[:CHARTED_COHORTS]),
        pace_height=charts.chart_height(min(len(comparison), CHARTED_COHORTS)),
        competence_bars=charts.competence_bars(headline.competences),
        competence_height=charts.chart_height(len(headline.competences)),
        criteria=criterion_totals(enrolments),
        benchmark=_benchmark(request, organisations),
        generated_at=timezone.now(),
    )
    return render(request, "reports/report.html", context)


def _benchmark(request, organisations) -> dict | None:
    """An organisation beside the anonymised median of all organisations."""
    if request.roles.is_staff:
        rates = organisation_rates()
        names = {o.pk: o.name for o in organisations}
        return {
            "staff": True,
            "rows": sorted(
                (
                    {"name": names.get(pk, "?"), "percent": round(100 * rate)}
                    for pk, rate in rates.items()
                ),
                key=lambda row: row["name"],
            ),
        }
    own = access.organisation_benchmarked(roles=request.roles)
    if own is None:
        return None
    rates = organisation_rates()
    if own not in rates:
        return None
    # With few others, the median and one's own rate give theirs away (with
    # two organisations, exactly): no median until enough others take part.
    needed = settings.REPORT_BENCHMARK_MIN_ORGANISATIONS
    compared = len(rates) - 1 >= needed
    return {
        "staff": False,
        "own": round(100 * rates[own]),
        "median": round(100 * statistics.median(rates.values())) if compared else None,
        "count": len(rates),
        "needed": needed,
    }


def _single_organisation(form, organisations) -> int | None:
    """The organisation an export concerns, when it concerns exactly one: the
    one chosen in the (validated) filter, or the only one this person sees."""
    chosen = form.cleaned_data.get("organisation") if form.is_bound else None
    if chosen:
        return chosen
    return organisations[0].pk if len(organisations) == 1 else None


class _Echo:
    def write(self, value):
        return value


def _safe(value) -> str:
    """Neutralises spreadsheet formulas: a cell that starts like one is quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@trainer_required
def report_csv(request):
    form, enrolments, organisations = _filtered(request)
    if enrolments is None:
        return JsonResponse({"errors": form.errors}, status=400)
    rows = (
        learner_rows(enrolments)
        .values_list(
            "pk",
            "user__email",
            "user__display_name",
            "cohort__organisation__name",
            "cohort__name",
            "started_at",
            "length_days",
            "status",
            "pace",
            "acquainted",
            "e_listener",
            "active_e_diplomat",
            "last_activity_at",
        )
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(_Echo())
    # Worded now, in the reader's language: the body streams after the request
    # has ended and its language with it.
    headings = _headings(request, learner_csv_columns())

    def cell(value) -> str:
        return _safe(value.isoformat() if hasattr(value, "isoformat") else value)

    def lines_of(chunk: list[tuple]) -> str:
        # The registered columns are read for a chunk of lines at a time: a
        # fixed number of queries per chunk, and memory that stays flat.
        extra = learner_values([row[0] for row in chunk])
        return "".join(
            writer.writerow([cell(value) for value in (*row[1:], *extra[row[0]])]) for row in chunk
        )

    def stream():
        # The BOM: spreadsheets read UTF-8.
        yield "\ufeff" + writer.writerow(headings)
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == CSV_LINES_PER_CHUNK:
                yield lines_of(chunk)
                chunk = []
        yield lines_of(chunk)

    audit_record(
        actor=request.user,
        action="report.export_csv",
        target=request.GET.urlencode() or "all",
        organisation=_single_organisation(form, organisations),
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ediplomacy-report-{stamp}.csv"'
    return response


def _csv_response(lines, name: str) -> StreamingHttpResponse:
    stamp = timezone.now().strftime("%Y-%m-%d")
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ediplomacy-{name}-{stamp}.csv"'
    return response


@trainer_required
def report_criteria_csv(request):
    """Rubric results per cohort, task and criterion, for the report's filters."""
    form, enrolments, organisations = _filtered(request)
    if enrolments is None:
        return JsonResponse({"errors": form.errors}, status=400)
    rows = criterion_results_by_cohort(enrolments).iterator(chunk_size=2000)
    writer = csv.writer(_Echo())
    headings = _headings(request, CRITERIA_CSV_COLUMNS)  # worded now, as above

    def stream():
        yield "\ufeff" + writer.writerow(headings)
        lines = []
        for row in rows:
            values = [
                row["submission__enrolment__cohort__name"],
                row["criterion__activity__title"],
                row["criterion__name"],
                *(row[level] for level in RubricLevel.values),
            ]
            lines.append(writer.writerow([_safe(value) for value in values]))
            if len(lines) == CSV_LINES_PER_CHUNK:
                yield "".join(lines)
                lines = []
        yield "".join(lines)

    audit_record(
        actor=request.user,
        action="report.export_criteria_csv",
        target=request.GET.urlencode() or "all",
        organisation=_single_organisation(form, organisations),
    )
    return _csv_response(stream(), "rubric-results")


@trainer_required
def report_json(request):
    form, enrolments, organisations = _filtered(request)
    if enrolments is None:
        return JsonResponse({"errors": form.errors}, status=400)
    audit_record(
        actor=request.user,
        action="report.export_json",
        target=request.GET.urlencode() or "all",
        organisation=_single_organisation(form, organisations),
    )
    figures = report_headline(enrolments).as_json()
    figures["criteria"] = [
        {
            "activity": row["criterion__activity__title"],
            "criterion": row["criterion__name"],
            **{level: row[level] for level in RubricLevel.values},
        }
        for row in criterion_totals(enrolments)
    ]
    # What other apps count per learner (peer reviews), summed over the scope.
    figures["learner_totals"] = learner_totals(enrolments)
    figures["generated_at"] = timezone.now().isoformat()
    return JsonResponse(figures)
