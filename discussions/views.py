"""Discussion pages: thin, through `accounts.access`, selectors and services."""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import access
from curriculum.models import Activity
from curriculum.rendering import reading_blocks
from curriculum.selectors import programme_default
from discussions import selectors, services
from discussions.forms import PostForm, ReasonForm, StartForm
from discussions.models import CommonsSetting, Post
from ediplomacy.lib.ids import parse_id
from progress.selectors import learner_progress
from progress.selectors.learner import learner_default_enrolment

# Six hex digits of a block's text, as in its anchor (`curriculum.rendering`).
BLOCK_DIGEST = re.compile(r"[0-9a-f]{6}")


def _roles(request):
    return access.user_roles(request.user)


def _post(request, roles, post_id) -> Post:
    """A post in a thread this person may read; 404 otherwise."""
    threads = access.threads_visible(user=request.user, roles=roles)
    post = (
        Post.objects.filter(pk=post_id, thread__in=threads.values("pk"))
        .select_related("thread__cohort", "author")
        .first()
    )
    if post is None:
        raise Http404("No such post.")
    return post


@login_required
def mine(request):
    """Sends a learner to their group's discussion; a trainer to their cohorts."""
    enrolment = learner_default_enrolment(request.user)
    roles = _roles(request)
    if enrolment is not None:
        place = access.discussion_place(user=request.user, roles=roles, enrolment=enrolment)
        if place is True:
            return redirect("discussions:commons")
        if place:
            return redirect("discussions:cohort", place.pk)
    if roles.trains_anywhere:
        return redirect("progress:cohorts")
    messages.info(request, _("Discussions open to learners of a cohort or of the commons."))
    return redirect("progress:dashboard")


def _discussion_page(request, *, cohort, programme, roles):
    stage_slug = request.GET.get("stage") or None
    stages = list(programme.stages.filter(retired_at__isnull=True).order_by("order"))
    if stage_slug and stage_slug not in {stage.slug for stage in stages}:
        stage_slug = None
    # One reading's threads, or one block's (by the digest of its text), as
    # the reading's margin links to them; anything malformed is ignored.
    reading_id = parse_id(request.GET.get("reading"))
    digest = request.GET.get("block", "")
    digest = digest if reading_id and BLOCK_DIGEST.fullmatch(digest) else None
    page = selectors.discussion_page(
        cohort=cohort,
        programme_id=programme.pk,
        stage_slug=None if reading_id else stage_slug,
        page_number=request.GET.get("page"),
        reading_id=reading_id,
        digest=digest,
    )
    if reading_id:
        query = urlencode({"reading": reading_id} | ({"block": digest} if digest else {}))
    else:
        query = urlencode({"stage": stage_slug}) if stage_slug else ""
    return render(
        request,
        "discussions/place.html",
        {
            "cohort": cohort,
            "programme": programme,
            "stages": stages,
            "stage_slug": None if reading_id else stage_slug,
            "reading_id": reading_id,
            "digest": digest,
            "page": page,
            "query": query,
        },
    )


@login_required
def cohort(request, cohort_id):
    roles = _roles(request)
    found = access.discussion_cohort(user=request.user, roles=roles, pk=cohort_id)
    return _discussion_page(request, cohort=found, programme=found.programme, roles=roles)


@login_required
def commons(request):
    roles = _roles(request)
    programme = programme_default()
    if programme is None or not access.commons_readable(
        user=request.user, roles=roles, programme_id=programme.pk
    ):
        raise Http404("No commons for you here.")
    return _discussion_page(request, cohort=None, programme=programme, roles=roles)


@login_required
def start(request, activity_id):
    """Starts a thread on a paragraph or heading of a reading. The reading page
    offers it beside each block; this page lists every block, for keyboards and
    for the form's errors."""
    roles = _roles(request)
    enrolment = learner_default_enrolment(request.user)
    if enrolment is None:
        raise Http404("No enrolment.")
    place = access.discussion_place(user=request.user, roles=roles, enrolment=enrolment)
    if place is False:
        raise Http404("No place to discuss.")
    activity = (
        Activity.objects.live()
        .filter(
            pk=activity_id,
            kind=Activity.Kind.READING,
            module__stage__programme_id=enrolment.programme_id,
        )
        .select_related("module__stage")
        .first()
    )
    if activity is None:
        raise Http404("No such reading.")
    found = learner_progress(enrolment).module(activity.module.stage.slug, activity.module.slug)
    if found is None or not found[0].unlocked:
        raise Http404("No such reading.")
    blocks = [
        block
        for block in reading_blocks(activity.body_html)
        if block.tag not in services.UNDISCUSSED_TAGS
    ]
    status = 200
    if request.method == "POST":
        form = StartForm(request.POST, blocks=blocks)
        if form.is_valid():
            try:
                services.thread_start(
                    user=request.user,
                    cohort=None if place is True else place,
                    activity=activity,
                    anchor=form.cleaned_data["anchor"],
                    body=form.cleaned_data["body"],
                    now=timezone.now(),
                )
            except services.DiscussionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your thread is started."))
                return redirect(activity.get_absolute_url() + f"#{form.cleaned_data['anchor']}")
        status = 400
    else:
        anchor = request.GET.get("anchor")
        form = StartForm(blocks=blocks, initial={"anchor": anchor} if anchor else None)
    return render(
        request,
        "discussions/start.html",
        {"activity": activity, "form": form, "in_commons": place is True},
        status=status,
    )


@login_required
def thread(request, thread_id):
    roles = _roles(request)
    found = access.thread_visible(user=request.user, roles=roles, pk=thread_id)
    moderator = access.thread_moderated(user=request.user, roles=roles, thread=found)
    postable = access.thread_postable(user=request.user, roles=roles, thread=found)
    form = PostForm()
    status = 200
    if request.method == "POST":
        if not postable:
            raise Http404("No such thread.")
        form = PostForm(request.POST)
        if form.is_valid():
            try:
                post = services.post_reply(
                    thread=found,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    moderator=moderator,
                    now=timezone.now(),
                )
            except services.DiscussionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your reply is posted."))
                return redirect(post.get_absolute_url())
        status = 400
    posts = selectors.thread_posts(thread=found, page_number=request.GET.get("page"))
    return render(
        request,
        "discussions/thread.html",
        {
            "thread": found,
            "page": posts,
            "form": form,
            "moderator": moderator,
            "postable": postable and (moderator or not found.is_locked),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_POST
def thread_moderate(request, thread_id):
    roles = _roles(request)
    found = access.thread_visible(user=request.user, roles=roles, pk=thread_id)
    if not access.thread_moderated(user=request.user, roles=roles, thread=found):
        raise Http404("No such thread.")
    try:
        services.thread_moderate(
            thread=found, by=request.user, action=request.POST.get("action", ""), now=timezone.now()
        )
    except services.DiscussionError as error:
        messages.error(request, str(error))
    return redirect(found)


@login_required
def post_edit(request, post_id):
    roles = _roles(request)
    post = _post(request, roles, post_id)
    now = timezone.now()
    if post.author_id != request.user.pk:
        raise Http404("No such post.")
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST)
        if form.is_valid():
            try:
                services.post_edit(
                    post=post, user=request.user, body=form.cleaned_data["body"], now=now
                )
            except services.DiscussionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your post is updated."))
                return redirect(post.get_absolute_url())
        status = 400
    else:
        form = PostForm(initial={"body": post.body})
        if not post.editable_by(request.user, now):
            form = None
    return render(
        request, "discussions/post_edit.html", {"post": post, "form": form}, status=status
    )


@login_required
@require_POST
def post_remove(request, post_id):
    roles = _roles(request)
    post = _post(request, roles, post_id)
    if post.author_id != request.user.pk:
        raise Http404("No such post.")
    services.post_remove(post=post, user=request.user, now=timezone.now())
    messages.success(request, _("Your post is removed."))
    return redirect(post.get_absolute_url())


@login_required
def post_report(request, post_id):
    roles = _roles(request)
    post = _post(request, roles, post_id)
    status = 200
    if request.method == "POST":
        form = ReasonForm(request.POST)
        if form.is_valid():
            added = services.post_report(
                post=post, user=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
            )
            messages.success(
                request,
                _("Thank you: the moderators will look at this post.")
                if added
                else _("You have already reported this post; the moderators will look at it."),
            )
            return redirect(post.get_absolute_url())
        status = 400
    else:
        form = ReasonForm()
    return render(
        request, "discussions/post_report.html", {"post": post, "form": form}, status=status
    )


@login_required
@require_POST
def post_moderate(request, post_id):
    """Hides (with a reason), restores, or leaves a reported post as it is."""
    roles = _roles(request)
    post = _post(request, roles, post_id)
    if not access.thread_moderated(user=request.user, roles=roles, thread=post.thread):
        raise Http404("No such post.")
    action = request.POST.get("action")
    now = timezone.now()
    reason = request.POST.get("reason", "")
    try:
        if action == "hide":
            services.post_hide(post=post, by=request.user, reason=reason, now=now)
            messages.success(request, _("The post is hidden."))
        elif action == "restore":
            services.post_restore(post=post, by=request.user, reason=reason, now=now)
            messages.success(request, _("The post is shown again."))
        elif action == "dismiss":
            services.reports_dismiss(post=post, by=request.user, now=now)
            messages.success(request, _("The reports are closed; the post stays."))
        else:
            messages.error(request, _("Unknown action."))
    except services.DiscussionError as error:
        messages.error(request, str(error))
    back = request.POST.get("next")
    if back == "moderation":
        return redirect("discussions:moderation")
    return redirect(post.get_absolute_url())


@login_required
def moderation(request):
    roles = _roles(request)
    if not roles.trains_anywhere:
        raise Http404("No moderation queue.")
    reports = access.reports_moderated(user=request.user, roles=roles)
    page = selectors.moderation_queue(reports=reports, page_number=request.GET.get("page"))
    return render(request, "discussions/moderation.html", {"page": page})


@login_required
def commons_setting(request, slug):
    """An organisation opens or closes the programme's commons to its people."""
    roles = _roles(request)
    organisation = access.organisation_managed(user=request.user, roles=roles, slug=slug)
    try:
        is_open = organisation.discussion_setting.commons_open
    except CommonsSetting.DoesNotExist:
        is_open = True
    if request.method == "POST":
        wanted = request.POST.get("commons") == "open"
        services.commons_set(
            organisation=organisation, open_=wanted, by=request.user, now=timezone.now()
        )
        messages.success(
            request,
            _("The commons is open to your people.")
            if wanted
            else _("The commons is closed to your people."),
        )
        return redirect("discussions:commons_setting", organisation.slug)
    return render(
        request,
        "discussions/commons_setting.html",
        {"organisation": organisation, "is_open": is_open},
    )
