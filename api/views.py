"""The organisation administrator's pages: API tokens, webhook endpoints and
the delivery log. Thin: fetch through `accounts.access`, write through
`api.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from api import services
from api.forms import TokenForm, WebhookForm
from api.models import WebhookAttempt, WebhookEndpoint
from ediplomacy.lib.confirm import confirmation, confirmed
from ediplomacy.lib.ids import parse_id


def _organisation(request, slug):
    request.roles = access.user_roles(request.user)  # the navigation reuses them
    return access.organisation_managed(user=request.user, roles=request.roles, slug=slug)


def _reach(request) -> dict:
    return {"user": request.user, "roles": request.roles}


def _posted_row(request, rows, raw_id):
    """The row of `rows` (the organisation's, as access gives them) that a
    posted action names; 404 for another's, an unknown id or a GET."""
    found = rows.filter(pk=parse_id(raw_id)).first()
    if found is None or request.method != "POST":
        raise Http404("No such item.")
    return found


@login_required
def tokens(request, slug):
    organisation = _organisation(request, slug)
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        made = services.api_token_create(
            organisation=organisation,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            by=request.user,
            now=timezone.now(),
        )
        # Shown on this response only: the key is never stored, so it cannot
        # be shown again (and a reload does not make a second token: the
        # browser asks before posting again).
        new_key = made.key
        form = TokenForm()
    found = access.api_tokens(**_reach(request), organisation=organisation)
    return render(
        request,
        "api/tokens.html",
        {"organisation": organisation, "form": form, "tokens": found, "new_key": new_key},
    )


@login_required
def token_revoke(request, slug, token_id):
    organisation = _organisation(request, slug)
    token = _posted_row(
        request, access.api_tokens(**_reach(request), organisation=organisation), token_id
    )
    back = reverse("api:tokens", args=[organisation.slug])
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Revoke the token “%s”?") % token.name,
            what=_("Every call made with it is refused from now on."),
            undo=_("A revoked token cannot be used again: make a new one."),
            action=request.path,
            button=_("Revoke"),
            back=back,
        )
    if services.api_token_revoke(token=token, by=request.user, now=timezone.now()):
        messages.success(request, _("The token “%s” is revoked.") % token.name)
    return redirect(back)


@login_required
def webhooks(request, slug):
    organisation = _organisation(request, slug)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lrs = data["format"] == WebhookEndpoint.Format.XAPI
        services.webhook_endpoint_create(
            organisation=organisation,
            url=data["url"],
            events=data["events"],
            format=data["format"],
            # A webhook's signing secret is made for it, never typed in.
            username=data["username"] if lrs else "",
            secret=data["secret"] if lrs else "",
            by=request.user,
            now=timezone.now(),
        )
        messages.success(request, _("The endpoint is registered."))
        return redirect("api:webhooks", organisation.slug)
    endpoints = access.webhook_endpoints(**_reach(request), organisation=organisation)
    return render(
        request,
        "api/webhooks.html",
        {"organisation": organisation, "form": form, "endpoints": endpoints},
    )


@login_required
def webhook_disable(request, slug, endpoint_id):
    organisation = _organisation(request, slug)
    endpoint = _posted_row(
        request, access.webhook_endpoints(**_reach(request), organisation=organisation), endpoint_id
    )
    back = reverse("api:webhooks", args=[organisation.slug])
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Stop sending to %s?") % endpoint.url,
            what=_("Events waiting for it are dropped, and no new ones are sent."),
            undo=_("Register the URL again to receive new events."),
            action=request.path,
            button=_("Stop sending"),
            back=back,
        )
    if services.webhook_endpoint_disable(endpoint=endpoint, by=request.user, now=timezone.now()):
        messages.success(request, _("Nothing more is sent to %s.") % endpoint.url)
    return redirect(back)


@login_required
def deliveries(request, slug):
    """The delivery log: each event sent to each endpoint, with every attempt.
    Three queries a page whatever its length: the count, the rows, the attempts."""
    organisation = _organisation(request, slug)
    found = access.webhook_deliveries(**_reach(request), organisation=organisation)
    page = Paginator(
        found.prefetch_related(Prefetch("attempt_log", WebhookAttempt.objects.order_by("pk"))),
        50,
    ).get_page(request.GET.get("page"))
    return render(request, "api/deliveries.html", {"organisation": organisation, "page": page})
