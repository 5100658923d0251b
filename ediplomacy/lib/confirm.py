"""Asking before a destructive action: one page (`templates/confirm.html`)
for every app. A view posts first without `confirm=yes`, shows the page, and
acts only on the second post, which the page's button sends."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm") == "yes"


def confirmation(request: HttpRequest, **confirm) -> HttpResponse:
    """The page that asks (title, what happens, how to undo it, the action's
    URL and hidden fields, the button's words, where "back" leads); nothing
    has changed yet."""
    confirm.setdefault("fields", [])
    return render(request, "confirm.html", {"confirm": confirm})
