from django.shortcuts import redirect, render

from accounts.access import user_roles


def home(request):
    """The public home page; a signed-in person goes straight to their work: a
    learner to their dashboard, a trainer, administrator or staff member to
    their cohorts."""
    if request.user.is_authenticated:
        if user_roles(request.user).is_learner:
            return redirect("progress:dashboard")
        return redirect("progress:cohorts")
    return render(request, "curriculum/home.html")
