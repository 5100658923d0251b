from django.shortcuts import render
from django.urls import reverse


def docs(request):
    """The interactive reference (Redoc), served from this site's static
    files: no third-party script. Redoc styles itself inline and renders in a
    worker, which the page's policy allows, for this page only."""
    response = render(request, "api/docs.html", {"schema_url": reverse("apiv1:schema")})
    response["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; worker-src 'self' blob:; font-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
    return response
