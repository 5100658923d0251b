from django.utils.functional import SimpleLazyObject

from progress.models import Nudge


def notifications(request):
    def unread():
        if not request.user.is_authenticated:
            return 0
        return Nudge.objects.filter(
            recipient=request.user, status=Nudge.Status.SENT, read_at__isnull=True
        ).count()

    # Lazy: one query, only on pages that show the count.
    return {"unread_notifications": SimpleLazyObject(unread)}
