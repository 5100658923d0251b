from django.shortcuts import redirect, render


def home(request):
    """The public home page; a signed-in learner goes straight to their dashboard."""
    if request.user.is_authenticated:
        return redirect("progress:dashboard")
    return render(request, "curriculum/home.html")
